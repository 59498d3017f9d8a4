"""Make the website's math font: a subset of STIX Two Math with what textbook formulas use.

The site draws formulas as MathML (``book/_ext/sbs_math.py``); a browser lays MathML out with a font
that has an OpenType MATH table. Readers who have STIX Two Math installed (macOS has it) use their
own copy; everyone else gets ``book/static/fonts/STIXTwoMath-subset.woff2``, which this script makes (about 0.1 MB, against 1.5 MB for the whole font). ``tests/test_site_html.py`` checks
that every character of every formula on the site is in it; when a formula needs one that is not,
add its range below and run the script again.

Usage (maintainers; needs ``fonttools[woff]``, installed with the book extra)::

    python tools/math_font.py STIXTwoMath-Regular.ttf

The source font is STIX Two Math 2.11 from https://github.com/stipub/stixfonts (``fonts/static_ttf``
or ``fonts/static_otf``), under the SIL Open Font License (``book/static/fonts/OFL.txt``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "book" / "static" / "fonts" / "STIXTwoMath-subset.woff2"

#: Unicode ranges kept: Latin, Greek and its variant letters, combining accents, the spaces,
#: primes and invisible operators MathML uses, letterlike symbols (ℎ, ℓ), arrows, mathematical
#: operators, delimiters and their stretchy pieces, and the mathematical italic letters a browser
#: substitutes for single-letter identifiers.
UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+0131,U+0237,U+02C6-02DC,U+0300-036F,U+0391-03C9,U+03D1,U+03D5,U+03D6,"
    "U+03F0,U+03F1,U+03F5,U+2009-200B,U+2016,U+2020-2022,U+2026,U+2032-2037,U+2057,U+2061-2064,"
    "U+20D0-20F0,U+210E,U+2111,U+2113,U+2118,U+211C,U+2135,U+2190-21FF,U+2200-22FF,U+2308-230B,"
    "U+239B-23B3,U+23DC-23E1,U+27E8-27EF,U+27F5-27FF,U+1D434-1D467,U+1D6A4-1D6A5,U+1D6E2-1D71B"
)
#: OpenType features MathML layout uses: script-size glyphs, flattened accents, dotless forms,
#: kerning and mark placement.
FEATURES = "ssty,flac,dtls,kern,mark,mkmk,ccmp"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="STIX Two Math (.ttf or .otf)")
    parser.add_argument("-o", "--output", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    from fontTools import subset

    subset.main([str(args.source), f"--unicodes={UNICODES}", f"--layout-features={FEATURES}", "--no-hinting",
                 "--flavor=woff2", f"--output-file={args.output}"])
    print(f"{args.output}: {args.output.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
