"""A tiny language check: the share of a text's words that are a language's commonest words.

Good enough to tell English news from French, German, Spanish, Italian, Portuguese, Dutch,
Russian or Ukrainian text; no dependency, no model.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and to a in is that for on it with as was he be by at are this have from or an they which"
        " but not his has had were will would been their its said who there we if more after than also"
        " about into could should can our over what when any only these those them she her him"
    ),
    "fr": _words(
        "le la les de des du et est un une que qui dans pour pas sur au aux avec ce cette il elle sont"
        " ont par plus ne se son sa ses mais nous vous leur été être selon lors"
    ),
    "de": _words(
        "der die das und ist nicht ein eine zu den dem des mit sich auf für von im auch es sie wir ich"
        " er wird werden hat haben dass aus bei nach oder aber wie noch nur über einen einer"
    ),
    "es": _words(
        "el la los las de del y que en un una es por con para se su sus al lo como más pero fue ha han"
        " este esta según"
    ),
    "it": _words(
        "il lo la gli le di del della che e è un una per con non sono si al nel alla ma più anche come"
        " degli delle"
    ),
    "pt": _words(
        "o a os as de do da dos das que e é um uma para com não em no na por mais se foi ao pelo pela"
    ),
    "nl": _words(
        "de het een en van is dat niet op te in voor met zijn er aan ook als maar door om bij wordt werd"
    ),
    "ru": _words("и в не на что с по это как к из за он она они о от так же но для было был будет его её"),
    "uk": _words("і в у не на що з це як до та за від він вона вони для але був буде його її"),
}

NAMES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ru": "Russian",
    "uk": "Ukrainian",
}

MIN_WORDS = 12  # below this a text is too short to judge (detect_language gives None)
MIN_RATIO = 0.12  # a language must account for at least this share of the words

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def stop_word_ratios(text: str, limit: int = 3000) -> dict[str, float]:
    words = _WORD.findall(text.lower())[:limit]
    if not words:
        return {lang: 0.0 for lang in STOP_WORDS}
    return {lang: sum(w in stops for w in words) / len(words) for lang, stops in STOP_WORDS.items()}


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language whose stop words dominate; "und" where none does;
    None where the text is too short to tell."""
    if len(_WORD.findall(text.lower(), 0, 20000)) < MIN_WORDS:
        return None
    ratios = stop_word_ratios(text)
    best = max(ratios, key=lambda lang: ratios[lang])
    return best if ratios[best] >= MIN_RATIO else "und"


def language_name(code: str | None) -> str:
    if code is None:
        return "unknown"
    return NAMES.get(code, "an unrecognised language" if code == "und" else code)
