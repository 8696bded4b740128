#!/usr/bin/env python3
"""Where the web app's code goes: the size of every function of a wasm file with its name
section (build it with CARGO_PROFILE_RELEASE_WEB_STRIP=false, see docs/performance.md), summed
by kind, and the largest generic functions with how many copies of each there are.

    scripts/wasm-sizes.py target/wasm32-unknown-unknown/release-web/qi-web.wasm [top]
    scripts/wasm-sizes.py --strip in.wasm out.wasm   # a copy without custom sections, to brotli

Names are demangled with c++filt (binutils). twiggy gives the same and more, but takes a while
to build on this machine.
"""
import collections
import re
import subprocess
import sys


def leb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data):
    i = 8
    while i < len(data):
        kind = data[i]
        size, i = leb(data, i + 1)
        yield kind, i, size
        i += size


def functions(data):
    """(size, mangled name) of every function body."""
    imported = 0
    sizes = []
    names = {}
    for kind, start, size in sections(data):
        if kind == 2:  # imports: function indexes start after the imported functions
            count, j = leb(data, start)
            for _ in range(count):
                for _ in range(2):
                    length, j = leb(data, j)
                    j += length
                what = data[j]
                j += 1
                if what == 0:
                    _, j = leb(data, j)
                    imported += 1
                elif what in (1, 2):
                    if what == 1:
                        j += 1
                    flags, j = leb(data, j)
                    _, j = leb(data, j)
                    if flags & 1:
                        _, j = leb(data, j)
                else:
                    j += 2
        elif kind == 10:  # code
            count, j = leb(data, start)
            for _ in range(count):
                length, k = leb(data, j)
                sizes.append(length + k - j)
                j = k + length
        elif kind == 0:
            length, j = leb(data, start)
            if data[j:j + length] != b"name":
                continue
            j += length
            while j < start + size:
                sub = data[j]
                length, j = leb(data, j + 1)
                end = j + length
                if sub == 1:
                    count, j = leb(data, j)
                    for _ in range(count):
                        index, j = leb(data, j)
                        length, j = leb(data, j)
                        names[index] = data[j:j + length].decode("utf-8", "replace")
                        j += length
                j = end
    if not names:
        sys.exit("no name section: build with CARGO_PROFILE_RELEASE_WEB_STRIP=false")
    return [(s, names.get(i + imported, "?")) for i, s in enumerate(sizes)]


KINDS = [
    ("reading answers (serde's Deserialize per type, and use_load where it is inlined)",
     r"serde|Deserializ|Visitor|from_json|use_load"),
    ("pages and components (html! output, callbacks)",
     r"CompStateInner<COMP> as .*::view|FunctionProvider>::run"),
    ("yew's machinery", r"^<?yew|FunctionComponent|PropsWrapper|use_effect|use_reducer|UseStateHandle"),
    ("qi-shared's logic", r"qi_shared"),
    ("chrono", r"chrono"),
    ("other app code", r"qi_web"),
]


def strip(source, target):
    data = open(source, "rb").read()
    out = bytearray(data[:8])
    for kind, start, size in sections(data):
        if kind == 0:
            continue
        out.append(kind)
        rest = size
        while True:
            byte, rest = rest & 0x7F, rest >> 7
            out.append(byte | (0x80 if rest else 0))
            if not rest:
                break
        out += data[start:start + size]
    open(target, "wb").write(out)


def main():
    if sys.argv[1] == "--strip":
        strip(sys.argv[2], sys.argv[3])
        return
    rows = functions(open(sys.argv[1], "rb").read())
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    demangled = subprocess.run(["c++filt"], input="\n".join(n for _, n in rows),
                               capture_output=True, text=True, check=True).stdout.split("\n")
    rows = [(s, re.sub(r"::h[0-9a-f]{16}$", "", d)) for (s, _), d in zip(rows, demangled)]
    total = sum(s for s, _ in rows)
    kinds = collections.Counter()
    for size, name in rows:
        kind = next((k for k, pattern in KINDS if re.search(pattern, name)), "std, alloc, glue and the rest")
        kinds[kind] += size
    print(f"code: {total:,} bytes in {len(rows):,} functions")
    for kind, size in kinds.most_common():
        print(f"{size:>10,} {100 * size / total:4.0f} %  {kind}")
    copies = collections.Counter()
    bytes_by = collections.Counter()
    for size, name in rows:
        bytes_by[name] += size
        copies[name] += 1
    print("\nlargest by name (copies of a generic function summed):")
    for name, size in bytes_by.most_common(top):
        print(f"{size:>10,} {copies[name]:>4}x  {name[:150]}")


if __name__ == "__main__":
    main()
