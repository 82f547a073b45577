#!/usr/bin/env python3
"""Writes the generated part of the demo's sample content (deploy/demo/gen/*.py) into
deploy/demo/content/<slug>/ and the small PDFs they link to into deploy/demo/media/<slug>/tep/.

The output is committed, so `make demo` needs nothing but the Rust toolchain; run this again
after changing gen/*.py. Files it wrote before (gen/generated.txt) are removed first, so items
dropped from the data disappear too. The leaders' schedule is not here: deploy/demo.sh writes it
at start with the dates of the current week.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))

import common  # noqa: E402
import departments  # noqa: E402
import local  # noqa: E402
import vpubnd  # noqa: E402


def main():
    if os.path.exists(common.MANIFEST):
        for rel in open(common.MANIFEST, encoding="utf-8").read().split():
            path = os.path.join(common.ROOT, rel)
            if os.path.exists(path):
                os.remove(path)
    for module in (vpubnd, local, departments):
        module.generate()
    names = sorted(set(common.written))
    assert len(names) == len(common.written), "two items write the same file"
    with open(common.MANIFEST, "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")
    print("wrote %d files" % len(names))


if __name__ == "__main__":
    main()
