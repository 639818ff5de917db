#!/usr/bin/env python3
"""Hostile inputs for the limits (docs/errors.md, "Limits"), built here,
never downloaded: `python3 tests/bombs.py DIR [NAME...]`.

  nest16.zip     the issue's example: 16 x 16 x 16 copies of 1 GiB of zeros
  42.zip         42.zip's shape: 16^5 leaves of 256 MiB of zeros in 5 levels
                 (256 TiB; smaller leaves keep each layer inside deflate's window)
  overlap.zip    David Fifield's non-recursive bomb: entries whose data
                 overlap, each quoting the next one's header (a stored block)
                 before a shared deflate kernel
  zeros.gz       a gzip of an mbox whose message goes on with 6 GiB of zeros
                 (multi-member, built streaming)
  chain50.zip    50 zips, each inside the next, a message at the bottom
  headers.eml    a message with 100,000 header fields
  mime10k.eml    a MIME tree 10,000 multiparts deep
  laughs.eml     a message (to a typo domain, so its attachments are read)
                 with tests/fixtures/attach/laughs.docx: billion laughs
  entities.eml   an .odt whose content.xml expands one 64 KiB entity
                 100,000 times (quadratic blowup, 6 GiB if expanded)
  pdf1m.eml      a PDF of 1,000,000 objects, each in the cross-reference table
  pages.eml      a PDF of 5,000 pages (the page limit is 1000)
  cells.eml      an .xlsx whose sheet holds 300,000 cells (the limit is 200,000)
  next.mbox      an ordinary mbox: scanned after each bomb, it must be read

Deflate of zeros is built from one byte-aligned piece (a full flush resets
the dictionary, so the piece repeats) and CRC-32s are combined, so even the
terabyte bombs take a second to build.
"""
import gzip, os, struct, sys, zlib

GIB = 1 << 30
PIECE = 64 << 20


def gf2_times(mat, vec):
    s = 0
    i = 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def gf2_square(mat):
    return [gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1, crc2, len2):
    """zlib's crc32_combine: the CRC of A+B from crc(A), crc(B), len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = gf2_square(odd)
    odd = gf2_square(even)
    while True:
        even = gf2_square(odd)
        if len2 & 1:
            crc1 = gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = gf2_square(even)
        if len2 & 1:
            crc1 = gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def crc_zeros(n):
    piece = zlib.crc32(bytes(PIECE))
    crc, left = 0, n
    while left >= PIECE:
        crc = crc32_combine(crc, piece, PIECE)
        left -= PIECE
    return crc32_combine(crc, zlib.crc32(bytes(left)), left)


_piece = None


def deflate_zeros(n):
    """Raw deflate of n zeros (n a multiple of 64 MiB)."""
    global _piece
    assert n % PIECE == 0
    if _piece is None:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        _piece = c.compress(bytes(PIECE)) + c.flush(zlib.Z_FULL_FLUSH)
    return _piece * (n // PIECE) + b"\x03\x00"     # an empty final block


def zip_bytes(entries):
    """entries: (name, method, crc, csize, usize, data); no zip64 (each
    entry under 4 GiB)."""
    out, cd = bytearray(), bytearray()
    for name, method, crc, csize, usize, data in entries:
        nb = name.encode()
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, csize, usize, len(nb), 0) + nb
        out += data
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, csize, usize,
                          len(nb), 0, 0, 0, 0, 0, off) + nb
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), len(out), 0)
    return bytes(out + cd + end)


def deflated(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def nested_zeros(levels, leaf):
    """16 copies per level; the innermost holds 16 files of `leaf` zeros."""
    d = deflate_zeros(leaf)
    crc = crc_zeros(leaf)
    z = zip_bytes([("zeros%02d.bin" % i, 8, crc, len(d), leaf, d) for i in range(16)])
    for lv in range(levels - 1):
        d = deflated(z)
        crc = zlib.crc32(z)
        z = zip_bytes([("lvl%d-%02d.zip" % (lv, i), 8, crc, len(d), len(z), d) for i in range(16)])
    return z


def overlap_zip(n=250, kernel_len=21 * (1 << 20)):
    """Fifield's quoted-overlap construction (https://www.bamsoftware.com/hacks/zipbomb/)."""
    kernel_plain_crc = zlib.crc32(b"\x00" * kernel_len)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    kernel = c.compress(bytes(kernel_len)) + c.flush()
    names = [("%03d" % i).encode() for i in range(n)]
    # From the last file back: file i = quote(LFH[i+1]) + data of file i+1.
    lfh = [None] * n
    crc = [0] * n
    usize = [0] * n
    csize = [0] * n
    crc[n - 1], usize[n - 1], csize[n - 1] = kernel_plain_crc, kernel_len, len(kernel)

    def header(i):
        return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc[i], csize[i], usize[i],
                           len(names[i]), 0) + names[i]

    lfh[n - 1] = header(n - 1)
    for i in range(n - 2, -1, -1):
        nxt = lfh[i + 1]
        usize[i] = len(nxt) + usize[i + 1]
        csize[i] = 5 + len(nxt) + csize[i + 1]
        crc[i] = crc32_combine(zlib.crc32(nxt), crc[i + 1], usize[i + 1])
        lfh[i] = header(i)
    out, offs = bytearray(), []
    for i in range(n):
        offs.append(len(out))
        out += lfh[i]
        if i < n - 1:
            ln = len(lfh[i + 1])
            out += struct.pack("<BHH", 0, ln, ln ^ 0xFFFF)     # stored, not final
    out += kernel
    cd = bytearray()
    for i in range(n):
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc[i], csize[i], usize[i],
                          len(names[i]), 0, 0, 0, 0, 0, offs[i]) + names[i]
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(cd), len(out), 0)
    return bytes(out + cd + end)


def gzip_zeros(f, total):
    """Multi-member gzip: an mbox's first message, then members of 1 GiB
    of zeros each (the message grows into gigabytes of zeros; a gzip of
    zeros alone is read by libarchive as an empty tar, never expanded)."""
    f.write(gzip.compress(b"From x\n" + MSG % 3, mtime=0))
    d = deflate_zeros(GIB)
    crc = crc_zeros(GIB)
    member = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + d + struct.pack("<II", crc, GIB & 0xFFFFFFFF)
    for _ in range(total // GIB):
        f.write(member)


MSG = (b"From: alice@example.org\nTo: bob@army.ml\nSubject: after the bomb\n"
       b"Message-ID: <after-%d@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nstill scanned\n")


def chain(depth):
    z = zip_bytes([("inbox.mbox", 0, zlib.crc32(b"From x\n" + MSG % 0), len(MSG % 0) + 7, len(MSG % 0) + 7,
                    b"From x\n" + MSG % 0)])
    for i in range(depth - 1):
        z = zip_bytes([("level%02d.zip" % (depth - 1 - i), 0, zlib.crc32(z), len(z), len(z), z)])
    return z


def headers_msg(n=100000):
    h = b"".join(b"X-Filler-%d: value %d\n" % (i, i) for i in range(n))
    return b"From: alice@example.org\nTo: bob@army.ml\nSubject: many headers\n" + h + b"\nbody\n"


def mime_deep(depth=10000):
    out = [b"From: alice@example.org\nTo: bob@army.ml\nSubject: deep\nMIME-Version: 1.0\n"]
    for i in range(depth):
        out.append(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i))
    out.append(b"Content-Type: text/plain\n\nleaf\n")
    for i in range(depth - 1, -1, -1):
        out.append(b"--b%d--\n" % i)
    return b"".join(out)


HERE = os.path.dirname(os.path.abspath(__file__))


def with_attachment(subject, name, ctype, data):
    """A message to a typo domain (read in full) carrying one attachment."""
    import base64
    b64 = base64.encodebytes(data)
    return (b"From: alice@example.org\nTo: bob@army.ml\nSubject: " + subject.encode() +
            b"\nMessage-ID: <" + name.encode() + b"@example.org>\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nsee attached\n"
            b"--b\nContent-Type: " + ctype.encode() + b"\nContent-Disposition: attachment; filename=\"" +
            name.encode() + b"\"\nContent-Transfer-Encoding: base64\n\n" + b64 + b"--b--\n")


def pdf(objs, root):
    """A PDF from its objects (bytes, numbered from 1) with a classic
    cross-reference table."""
    out = [b"%PDF-1.4\n"]
    pos = len(out[0])
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(pos)
        piece = b"%d 0 obj\n%s\nendobj\n" % (i, o)
        out.append(piece)
        pos += len(piece)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)]
    xref += [b"%010d 00000 n \n" % o for o in offs]
    out += xref
    out.append(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, root, pos))
    return b"".join(out)


def page_pdf(pages, filler=0):
    """pages pages sharing one content stream, then filler objects."""
    text = b"BT /F1 12 Tf 72 720 Td (CUI page text) Tj ET"
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
             b" /Resources << /Font << /F1 3 0 R >> >> >>"] * pages
    objs += [b"%d" % i for i in range(filler)]
    return pdf(objs, 1)


def office_with(template, member, content):
    import io, zipfile
    src = zipfile.ZipFile(os.path.join(HERE, "fixtures", "attach", template))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            z.writestr(i, content if i.filename == member else src.read(i.filename))
    return buf.getvalue()


def cells_xlsx(n=300000, per_row=10):
    rows = b"".join(b"<row r=\"%d\">" % (r + 1) + b"<c><v>7</v></c>" * per_row + b"</row>" for r in range(n // per_row))
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    return office_with("crew.xlsx", "xl/worksheets/sheet1.xml", sheet)


def entities_odt(refs=100000):
    big = b"x" * 65536
    body = b"&big;" * refs
    content = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE office:document-content [\n<!ENTITY big "' + big +
               b'">\n]>\n<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
               b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>' + body +
               b"</text:p></office:text></office:body></office:document-content>")
    return office_with("memo.odt", "content.xml", content)


def main():
    d = sys.argv[1]
    want = set(sys.argv[2:])
    os.makedirs(d, exist_ok=True)

    def put(name, fn):
        if want and name not in want:
            return
        p = os.path.join(d, name)
        if os.path.exists(p):
            return
        with open(p + ".tmp", "wb") as f:
            r = fn(f)
            if r is not None:
                f.write(r)
        os.rename(p + ".tmp", p)

    put("nest16.zip", lambda f: nested_zeros(3, GIB))
    put("42.zip", lambda f: nested_zeros(5, GIB // 4))
    put("overlap.zip", lambda f: overlap_zip())
    put("zeros.gz", lambda f: gzip_zeros(f, 6 * GIB))
    put("chain50.zip", lambda f: chain(50))
    put("headers.eml", lambda f: headers_msg())
    put("mime10k.eml", lambda f: mime_deep())
    put("laughs.eml", lambda f: with_attachment("laughs", "laughs.docx", "application/vnd.openxmlformats-officedocument"
                                                ".wordprocessingml.document",
                                                open(os.path.join(HERE, "fixtures", "attach", "laughs.docx"), "rb").read()))
    put("entities.eml", lambda f: with_attachment("entities", "entities.odt", "application/vnd.oasis.opendocument.text",
                                                  entities_odt()))
    put("pdf1m.eml", lambda f: with_attachment("pdf1m", "objects.pdf", "application/pdf", page_pdf(1, 1000000 - 5)))
    put("pages.eml", lambda f: with_attachment("pages", "pages.pdf", "application/pdf", page_pdf(5000)))
    put("cells.eml", lambda f: with_attachment("cells", "cells.xlsx", "application/vnd.openxmlformats-officedocument"
                                               ".spreadsheetml.sheet", cells_xlsx()))
    put("next.mbox", lambda f: b"From x\n" + MSG % 1 + b"\nFrom y\n" + MSG % 2)


if __name__ == "__main__":
    main()
