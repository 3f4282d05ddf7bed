"""The download edition made PDF/A-2 as well as PDF/UA-1, as it is joined (assemble.py).

Danish public bodies archive in PDF/A, and readers need PDF/UA; WeasyPrint writes one
variant per file. The joined PDF/UA edition gets what PDF/A-2 asks on top of it:

- an output intent for its RGB colours: sRGB (data/sRGB.icc, see its LICENSE file);
- the PDF/A identification in the XMP metadata (part 2, conformance A: the tags of PDF/UA
  are the "accessible" level's), and the PDF/UA identification declared as an extension
  schema, which PDF/A requires of every property it does not define itself;
- no image that asks the viewer to interpolate it (/Interpolate true);
- a blending colour space on every transparency group, the pages' included.

Checked by an independent validator (page-validation, tests/test_accessibility.py).
"""

from __future__ import annotations

import re
from importlib import resources

import pikepdf
from pikepdf import Array, Dictionary, Name

CONFORMANCE = "A"  # PDF/A-2a: tagged, with Unicode text
SRGB = "sRGB IEC61966-2.1"
_UA_PART = re.compile(rb"pdfuaid:part(=\"|>)1")
_PDFA_ID = (
    '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">'
    '<pdfaid:part>2</pdfaid:part><pdfaid:conformance>{conformance}</pdfaid:conformance>'
    '</rdf:Description>')
# PDF/A-2 (ISO 19005-2, 6.6.2.3) accepts a property outside its own schemas only when the
# XMP declares that property's schema; PDF/UA's identification is such a property.
_UA_EXTENSION = (
    '<rdf:Description rdf:about=""'
    ' xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
    ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
    ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    '<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>'
    '<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>'
    '<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>'
    '<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    '<pdfaProperty:name>part</pdfaProperty:name>'
    '<pdfaProperty:valueType>Integer</pdfaProperty:valueType>'
    '<pdfaProperty:category>internal</pdfaProperty:category>'
    '<pdfaProperty:description>Indicates which part of ISO 14289 the document follows'
    '</pdfaProperty:description>'
    '</rdf:li></rdf:Seq></pdfaSchema:property>'
    '</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>')


def is_accessible(pdf: pikepdf.Pdf) -> bool:
    """Whether pdf says it is PDF/UA-1 (the download edition: WeasyPrint's pdf/ua-1)."""
    metadata = pdf.Root.get("/Metadata")
    return metadata is not None and bool(_UA_PART.search(metadata.read_bytes()))


def conform(pdf: pikepdf.Pdf) -> None:
    """Make a PDF/UA-1 document PDF/A-2a as well, in place (see the module docstring)."""
    pdf.Root.OutputIntents = Array([_output_intent(pdf)])
    _identify(pdf.Root.Metadata)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            _mend_xobject(obj)
    for page in pdf.pages:
        group = page.obj.get("/Group")
        if group is not None and "/CS" not in group:
            group.CS = Name.DeviceRGB


def _output_intent(pdf: pikepdf.Pdf) -> Dictionary:
    """sRGB as the PDF/A output intent: what the document's RGB colours mean."""
    data = resources.files("catalogue").joinpath("data/sRGB.icc").read_bytes()
    profile = pdf.make_stream(data, N=3)
    return pdf.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier=SRGB,
        Info=SRGB, RegistryName="http://www.color.org", DestOutputProfile=profile))


def _identify(metadata: pikepdf.Stream) -> None:
    """The PDF/A identification and the PDF/UA extension schema, added to the XMP."""
    data = metadata.read_bytes()
    if b"pdfaid:" in data:
        return
    added = (_PDFA_ID.format(conformance=CONFORMANCE) + _UA_EXTENSION).encode()
    metadata.write(data.replace(b"</rdf:RDF>", added + b"</rdf:RDF>", 1))


def _mend_xobject(stream: pikepdf.Stream) -> None:
    """An image that asks to be interpolated asks no more (PDF/A-2, 6.2.8.1); a drawing's
    transparency group gets a blending colour space (6.2.10)."""
    if "/Interpolate" in stream and stream.get("/Subtype") == Name.Image:
        del stream.Interpolate
    group = stream.get("/Group")
    if isinstance(group, Dictionary) and group.get("/S") == Name.Transparency \
            and "/CS" not in group:
        group.CS = Name.DeviceRGB
