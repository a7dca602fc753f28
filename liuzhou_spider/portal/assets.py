"""Static files of the offline portal: tiny real images and documents, script, robots.txt.

The bytes are real (a PNG and a JPEG a decoder accepts, a PDF header, an OLE2 and a ZIP
container) so that a crawler sniffing content types sees what it would see on the site;
they are tiny so that 20,000 articles stay cheap to write.
"""

from __future__ import annotations

import base64
import io
import struct
import zipfile
import zlib


def _png() -> bytes:
    """A 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# The smallest baseline JPEG decoders accept (1×1, greyscale).
_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////"
    "////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQAB"
    "PxA="
)


def _zip(names: tuple[str, ...]) -> bytes:
    """A deterministic ZIP (fixed timestamps): .docx/.xlsx are ZIP containers too."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, '<?xml version="1.0"?><doc/>')
    return buffer.getvalue()


_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)  # header of .doc/.xls files
_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501

FILE_BYTES: dict[str, bytes] = {
    ".png": _png(),
    ".jpg": _JPEG,
    ".pdf": _PDF,
    ".doc": _OLE2,
    ".xls": _OLE2,
    ".docx": _zip(("[Content_Types].xml", "word/document.xml")),
    ".xlsx": _zip(("[Content_Types].xml", "xl/workbook.xml")),
    ".zip": _zip(("readme.txt",)),
}

CONTENT_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".js": "application/javascript",
    ".css": "text/css",
    ".txt": "text/plain",
}

# The TRS pager: links exist only once this runs in a browser.
COMMON_JS = """\
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var nCurrIndex = _nCurrIndex || 0;
  if (nCurrIndex == 0) {
    document.write("<span>首页</span>&nbsp;");
  } else {
    document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a>&nbsp;");
    var prev = nCurrIndex - 1;
    var prevName = prev == 0 ? _sPageName : _sPageName + "_" + prev;
    document.write("<a href=\\"" + prevName + "." + _sPageExt + "\\">上一页</a>&nbsp;");
  }
  if (nCurrIndex < _nPageCount - 1) {
    document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt
      + "\\">下一页</a>&nbsp;");
    document.write("<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt
      + "\\">尾页</a>");
  }
  document.write("&nbsp;共" + _nPageCount + "页");
}
"""

CSS = "body{font:14px/1.8 'Microsoft YaHei',SimSun;margin:0}.wrap{width:1200px;margin:0 auto}\n"

ROBOTS_DISALLOWED = ("/search/", "/was5/", "/hdjl/", "/__portal__/")
ROBOTS_TXT = "User-agent: *\n" + "".join(f"Disallow: {p}\n" for p in ROBOTS_DISALLOWED)
