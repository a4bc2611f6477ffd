#!/usr/bin/env python3
"""Checks that a screenshot exists, is a PNG of the expected size and is not blank.

A render-thread panic can still exit 0, so CI looks at the picture itself: it must decode and
have enough distinct colours to be a drawn screen rather than an empty window.
"""
import struct
import sys
import zlib


def pixels(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError(f"unexpected PNG format (depth {depth}, colour type {ctype})")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        filt = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if filt == 1:
                line[x] = (line[x] + a) & 255
            elif filt == 2:
                line[x] = (line[x] + b) & 255
            elif filt == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def main():
    path = sys.argv[1]
    try:
        width, height, bpp, rows = pixels(path)
    except (OSError, ValueError, zlib.error) as e:
        print(f"{path}: {e}")
        return 1
    colours = set()
    for y in range(0, height, 7):
        row = rows[y]
        for x in range(0, width, 5):
            colours.add(bytes(row[x * bpp:x * bpp + 3]))
    if width < 800 or height < 600:
        print(f"{path}: {width}x{height} is smaller than a laptop screen")
        return 1
    if len(colours) < 12:
        print(f"{path}: looks blank ({len(colours)} colours)")
        return 1
    print(f"{path}: {width}x{height}, {len(colours)} colours sampled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
