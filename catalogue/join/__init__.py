"""The editions made whole: the parts joined, tagged (PDF/UA, PDF/A) and imposed as
booklets, and what is reported about them (preflight, proofs)."""
