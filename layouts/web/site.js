/* The front page's filters and search. Without this script the page lists every
 * partnership and hides the filters; with it, the list shows those that match the region,
 * the theme, DK2020 and the words typed.
 *
 * The search index (filer/soegeindeks.js, made by catalogue/web/search.py) maps word stems
 * to partnerships; it is loaded as a script, not fetched, so that the search works when the
 * site is opened from disk, and only when the reader starts to search. What the reader types
 * is folded and stemmed as the index was: fold() and stem() here are search.py's fold() and
 * Snowball's Danish stemmer (tests/test_web_browser.py compares them word by word). */
(function () {
  "use strict";

  var FOLDS = [["aa", "å"], ["é", "e"], ["è", "e"], ["ê", "e"], ["ë", "e"], ["á", "a"],
               ["à", "a"], ["ä", "æ"], ["ö", "ø"], ["ü", "u"], ["ó", "o"], ["í", "i"]];

  function fold(text) {
    text = text.toLowerCase();
    FOLDS.forEach(function (pair) { text = text.split(pair[0]).join(pair[1]); });
    return text;
  }

  function words(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  /* The Snowball stemmer for Danish (snowballstem.org, algorithm as of Snowball 3). */
  var VOWELS = "aeiouyæåø";
  var S_ENDING = "abcdfghjklmnoprtvyzå";
  var UNDOUBLE = "bdfgklmnprst";
  var MAIN = ["erendes", "erende", "hedens", "ethed", "erede", "heden", "heder", "endes",
              "ernes", "erens", "erets", "ered", "ende", "erne", "eren", "erer", "heds",
              "enes", "eres", "eret", "hed", "ene", "ere", "ens", "ers", "ets", "en", "er",
              "es", "et", "e", "s"];
  var OTHER = ["elig", "løst", "lig", "els", "ig"];
  var PAIRS = ["gd", "dt", "gt", "kt"];

  function isVowel(c) { return VOWELS.indexOf(c) >= 0; }

  function regionStart(w) {
    var i = 0, p1 = w.length;
    while (i < w.length && !isVowel(w[i])) { i++; }
    if (i < w.length) {
      i++;
      while (i < w.length && isVowel(w[i])) { i++; }
      if (i < w.length) { p1 = i + 1; }
    }
    return Math.max(p1, 3);
  }

  function endsIn(w, suffixes, p1) {
    for (var i = 0; i < suffixes.length; i++) {
      var s = suffixes[i];
      if (w.length - s.length >= p1 && w.slice(-s.length) === s) { return s; }
    }
    return null;
  }

  function consonantPair(w, p1) {
    return endsIn(w, PAIRS, p1) ? w.slice(0, -1) : w;
  }

  function stem(w) {
    if (w.length < 3) { return w; }
    var p1 = regionStart(w);
    var found = endsIn(w, MAIN, p1);
    if (found === "s") {
      if (w.length >= 2 && S_ENDING.indexOf(w[w.length - 2]) >= 0) { w = w.slice(0, -1); }
    } else if (found) {
      w = w.slice(0, -found.length);
    }
    w = consonantPair(w, p1);
    if (w.slice(-4) === "igst") { w = w.slice(0, -2); }
    found = endsIn(w, OTHER, p1);
    if (found === "løst") {
      w = w.slice(0, -1);
    } else if (found) {
      w = consonantPair(w.slice(0, -found.length), p1);
    }
    var last = w[w.length - 1];
    if (w.length - 1 >= p1 && w.length >= 2 && UNDOUBLE.indexOf(last) >= 0 &&
        w[w.length - 2] === last) {
      w = w.slice(0, -1);
    }
    return w;
  }

  window.katalog = { fold: fold, stem: stem, words: words };

  var form = document.getElementById("filtre");
  var list = document.getElementById("liste");
  if (!form || !list) { return; }
  var cards = Array.prototype.slice.call(list.children);
  var count = document.getElementById("antal");
  var none = document.getElementById("ingen");
  var field = form.elements.soeg;
  var loading = false;

  function loadIndex() {
    if (window.soegeindeks || loading) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = "filer/soegeindeks.js";
    script.onload = update;
    document.head.appendChild(script);
  }

  /* Whether a stem of the index matches a stem typed: it begins with it (a word being
   * typed), or holds it when it has four letters or more ("varme" finds "fjernvarme"), or
   * it is most of it: the stemmer takes more off some forms than off others
   * ("virksomhed" -> "virksom", "virksomhederne" -> "virksomhed"). */
  function matches(key, term) {
    if (term.length >= 4 ? key.indexOf(term) >= 0 : key.indexOf(term) === 0) { return true; }
    return key.length >= 5 && key.length >= 0.7 * term.length && term.indexOf(key) === 0;
  }

  /* The places of the partnerships that match every word typed; null: no words. */
  function found(query) {
    var terms = words(query).map(stem);
    if (!terms.length) { return null; }
    var index = window.soegeindeks, result = null;
    terms.forEach(function (term) {
      var here = {};
      Object.keys(index).forEach(function (key) {
        if (matches(key, term)) {
          index[key].forEach(function (place) { here[place] = true; });
        }
      });
      result = result === null ? here : Object.keys(result).reduce(function (both, place) {
        if (here[place]) { both[place] = true; }
        return both;
      }, {});
    });
    return result;
  }

  function partnerships(n) { return n === 1 ? "1 partnerskab" : n + " partnerskaber"; }

  function update() {
    var region = form.elements.region.value, theme = form.elements.tema.value;
    var dk2020 = form.elements.dk2020.value, query = field.value;
    if (words(query).length && !window.soegeindeks) { loadIndex(); return; }
    var hits = found(query), shown = 0;
    cards.forEach(function (card) {
      var show = (!region || card.dataset.regions.split("|").indexOf(region) >= 0) &&
                 (!theme || card.dataset.themes.split(" ").indexOf(theme) >= 0) &&
                 (!dk2020 || card.dataset.dk2020 === dk2020) &&
                 (!hits || hits[card.dataset.place]);
      card.hidden = !show;
      if (show) { shown++; }
    });
    count.textContent = shown === cards.length ? partnerships(shown)
      : "Viser " + shown + " af " + partnerships(cards.length);
    none.hidden = shown > 0;
  }

  form.hidden = false;
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("reset", function () { window.setTimeout(update, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  field.addEventListener("focus", loadIndex);
  window.addEventListener("pageshow", update);  // the back button restores the form
  update();
}());
