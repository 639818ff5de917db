/*
 * extract.h - the text, tables and metadata of an attachment, read from
 * its bytes (issue 11).
 *
 * One call, tl_extract(), takes the bytes of one attachment, sniffs their
 * type from the bytes themselves (never from the Content-Type or the file
 * name, which are only compared with it), and hands back one result:
 *
 *   - a status (text, no text layer, encrypted, too large, unsupported,
 *     container, failed) with a one-line reason;
 *   - the text, UTF-8, with named sections ("page 3", "sheet Crew",
 *     "header", "comments") giving where each piece starts in the text;
 *   - tables in one model (tl_table): optional header cells and rows of
 *     cells, each cell with its offset and length in the text;
 *   - for images, the pixel dimensions and the EXIF/XMP metadata (GPS,
 *     capture time, camera, orientation); images inside PDFs are listed;
 *   - children: the attachments inside (archive members, TNEF attachments)
 *     as name and bytes, for the caller to extract in turn with depth + 1;
 *   - anomalies: every limit reached and every type mismatch, one line each.
 *
 * Every extractor works on memory only, never touches the network, and is
 * bounded by tl_extract_limits: a hostile attachment costs at most those
 * limits and gives a status, never a crash.  Calls may run on several
 * threads at once: the one piece of global state is an empty PDF that
 * pdf.c opens once and keeps, so that poppler keeps its global parameters
 * (docs/extraction.md, "Cost").
 *
 * The module depends on GLib and the Debian libraries it uses (poppler-glib,
 * libarchive, libxml2, libical, libexif), on the project's TNEF reader
 * (parsers/outlook.h, GLib only) and on the table model (scanner/table.h,
 * GLib only), not on the rest of typoleak; docs/extraction.md says what is read from each format.
 */
#ifndef TL_EXTRACT_H
#define TL_EXTRACT_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/table.h"

/* ------------------------------------------------------------------ */
/* Types, statuses and limits                                          */
/* ------------------------------------------------------------------ */

/* What the bytes are (sniffed).  Values are never renumbered. */
typedef enum {
    TL_FT_UNKNOWN = 0,
    TL_FT_TEXT,                 /* UTF-8 or 8-bit text without a finer type */
    TL_FT_CSV,
    TL_FT_TSV,
    TL_FT_HTML,
    TL_FT_PDF,
    TL_FT_DOCX,
    TL_FT_XLSX,
    TL_FT_PPTX,
    TL_FT_ODT,
    TL_FT_ODS,
    TL_FT_ODP,
    TL_FT_RTF,
    TL_FT_TNEF,
    TL_FT_ICS,
    TL_FT_VCF,
    TL_FT_ZIP,
    TL_FT_7Z,
    TL_FT_TAR,                  /* plain or compressed (gz, bz2, xz, zst) */
    TL_FT_GZIP,                 /* a compressed single file */
    TL_FT_JPEG,
    TL_FT_PNG,
    TL_FT_GIF,
    TL_FT_TIFF,
    TL_FT_OLE2,                 /* .doc, .xls, .msg: recognised, not read */
    TL_FT_MESSAGE,              /* an RFC 5322 message: the caller's MIME parser reads it */
    TL_FT_LAST
} tl_filetype;

/* The outcome of one extraction.  Values are never renumbered. */
typedef enum {
    TL_EX_TEXT = 0,             /* text (possibly empty) was read */
    TL_EX_NO_TEXT_LAYER,        /* a PDF without text, or an image: only metadata */
    TL_EX_ENCRYPTED,            /* password-protected: nothing read */
    TL_EX_TOO_LARGE,            /* a limit refused the whole file */
    TL_EX_UNSUPPORTED,          /* a type this module does not read */
    TL_EX_CONTAINER,            /* an archive: only children */
    TL_EX_FAILED,               /* damaged or unreadable; reason says why */
    TL_EX_LAST
} tl_extract_status;

/* Limits; every one reached is an anomaly of the result. */
typedef struct {
    size_t max_input;           /* bytes of one attachment read at all (256 MiB) */
    int max_pdf_pages;          /* pages of text per PDF (1000) */
    double max_pdf_seconds;     /* wall time per PDF, checked between pages (20 s) */
    int max_pdf_images;         /* images listed per PDF (200) */
    size_t max_sheet_cells;     /* cells read per sheet (200,000) */
    size_t max_xml_bytes;       /* uncompressed bytes of one XML member (32 MiB) */
    size_t max_unpacked;        /* uncompressed bytes of all members of one file (128 MiB) */
    int max_entities;           /* entity declarations allowed in one XML member (0) */
    size_t max_text;            /* bytes of text produced per attachment (16 MiB) */
    int max_depth;              /* nesting of attachments in attachments (8) */
    int max_children;           /* children returned per container (1000) */
    size_t max_child;           /* bytes of one child (64 MiB) */
    int pdf_image_sizes;        /* 1 (default): every image listed in a PDF is decoded for its pixel size; 0: only
                                 * until a page has text (a PDF with a text layer lists its later images with size
                                 * 0 x 0): what parsers/text.c needs, the largest image of a scanned page */
    int find_tables;            /* 1 (default): the tables of text read from a PDF, an RTF or a text, CSV or TSV
                                 * file are looked for and returned; 0: not (parsers/text.c finds them in the
                                 * part's normalised text itself).  Sheets and document tables always come. */
} tl_extract_limits;
void tl_extract_limits_init(tl_extract_limits *l);

/* The table model (tl_table: header cells and rows with offsets into the
 * text) is scanner/table.h: the detectors read it too. */

/* ------------------------------------------------------------------ */
/* Results                                                             */
/* ------------------------------------------------------------------ */

/* A named stretch of the text: "page 2", "sheet Crew", "header1",
 * "comments", "slide 3", "event 1", "body". */
typedef struct {
    char *name;
    size_t off, len;
} tl_extract_section;

/* Image metadata (an image attachment, or one image in a PDF). */
typedef struct {
    int width, height;          /* pixels; 0 when unknown */
    int page;                   /* PDFs: the page (1-based); else 0 */
    int has_gps;
    double lat, lon;            /* degrees, south and west negative */
    const char *gps_from;       /* "exif", "xmp", "png-exif" (static) or NULL */
    char *time;                 /* capture time as written (EXIF "YYYY:MM:DD HH:MM:SS") or NULL */
    char *make, *model;         /* camera, or NULL */
    int orientation;            /* EXIF 1-8, 0 when absent */
} tl_image_info;

/* An attachment inside the attachment, for the caller to extract. */
typedef struct {
    char *name;                 /* member path or attachment file name */
    GBytes *bytes;
} tl_extract_child;

typedef struct {
    tl_extract_status status;
    char *reason;               /* one line: why not text, or NULL */
    tl_filetype type;           /* sniffed */
    GString *text;              /* UTF-8, NUL-terminated; may be empty */
    GArray *sections;           /* of tl_extract_section */
    GPtrArray *tables;          /* of tl_table* */
    int is_image;
    tl_image_info image;        /* when is_image */
    GPtrArray *images;          /* of tl_image_info*: images in a PDF */
    GPtrArray *children;        /* of tl_extract_child* */
    GPtrArray *anomalies;       /* of char*: "limit: ...", "type mismatch: ..." */
    int pages;                  /* PDFs: pages in the document */
} tl_extract_result;

/* Extracts one attachment.  data/len: its decoded bytes (not copied;
 * children hold their own bytes).  declared_type (a Content-Type, may be
 * NULL) and filename (may be NULL) are only compared with the sniffed type:
 * a disagreement is an anomaly "type mismatch: declared X, sniffed Y".
 * depth: how deep this attachment sits (0 for a message's own parts); past
 * lim->max_depth the result is TOO_LARGE with nothing read.  lim may be
 * NULL (defaults).  Never NULL; free with tl_extract_result_free(). */
tl_extract_result *tl_extract(const guint8 *data, size_t len, const char *declared_type, const char *filename,
                              int depth, const tl_extract_limits *lim);
void tl_extract_result_free(tl_extract_result *r);
/* Extracts data as type (no sniffing, no type, depth or size check): the
 * fuzzing harnesses (tests/fuzz/) drive one extractor with it. */
tl_extract_result *tl_extract_as(tl_filetype type, const guint8 *data, size_t len, const tl_extract_limits *lim);

/* The type of data from its bytes alone. */
tl_filetype tl_sniff_type(const guint8 *data, size_t len);
/* Short names: "pdf", "docx", "jpeg" ... ("unknown"), and MIME types. */
const char *tl_filetype_name(tl_filetype t);
const char *tl_filetype_mime(tl_filetype t);
/* The type a Content-Type or a file name's extension claims, or
 * TL_FT_UNKNOWN when it claims nothing precise (application/octet-stream). */
tl_filetype tl_filetype_declared(const char *content_type, const char *filename);
/* "text", "no_text_layer", "encrypted", "too_large", "unsupported",
 * "container", "failed" (the database's words). */
const char *tl_extract_status_name(tl_extract_status s);

/* The length of the ASCII prefix of s (bytes below 0x80, NUL included),
 * read eight bytes at a time. */
size_t tl_ascii_prefix(const char *s, size_t n);
/* g_utf8_validate_len(s, n, NULL) (a NUL is invalid), reading ASCII eight
 * bytes at a time: most mail text is ASCII, and a byte at a time this was
 * the largest part of reading it (docs/extraction.md, "Cost"). */
int tl_utf8_valid(const char *s, size_t n);

/* Image metadata of image bytes (JPEG, PNG, GIF, TIFF); 0 when the bytes
 * are no image known here.  info is filled (free its strings with
 * tl_image_info_clear). */
int tl_image_read(const guint8 *data, size_t len, tl_image_info *info);
void tl_image_info_clear(tl_image_info *info);

/* RTF to plain text (a bounded reader: see rtf.c); NULL when data is not
 * RTF.  At most max_text bytes are produced; *truncated says whether the
 * limit cut it. */
char *tl_rtf_to_text(const char *data, size_t len, size_t max_text, int *truncated);

#endif
