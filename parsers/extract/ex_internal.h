/*
 * ex_internal.h - what the extractors of parsers/extract/ share: the
 * per-format entry points (one file each) and the helpers that build a
 * result within its limits (extract.c).
 */
#ifndef TL_EX_INTERNAL_H
#define TL_EX_INTERNAL_H

#include "parsers/extract/extract.h"

/* One extraction in progress: the result being built and its limits. */
typedef struct {
    tl_extract_result *r;
    const tl_extract_limits *lim;
    int text_full;              /* max_text reached (reported once) */
    int too_large;              /* a member was dropped by a size limit */
} tl_ex;

/* Appends n bytes of text (valid UTF-8 is the caller's duty; invalid bytes
 * are replaced); 0 once max_text is reached (the anomaly is added once). */
int tl_ex_append(tl_ex *x, const char *s, size_t n);
int tl_ex_append_c(tl_ex *x, char c);
/* Ends the text with one newline unless it is empty or ends with one. */
void tl_ex_newline(tl_ex *x);
/* Opens a named section at the text's current end; the previous open one
 * (if any) is closed there.  tl_ex_section_end closes the open one. */
void tl_ex_section(tl_ex *x, const char *name);
void tl_ex_section_end(tl_ex *x);
/* Adds one anomaly line. */
void tl_ex_anomaly(tl_ex *x, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Sets status and reason (the reason is formatted). */
void tl_ex_fail(tl_ex *x, tl_extract_status s, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Adds a child (bytes copied); 0 when max_children is reached. */
int tl_ex_child(tl_ex *x, const char *name, const void *data, size_t n);

/* The extractors, one per file.  Each sets x->r->status (TEXT unless it
 * says otherwise) and fills text, tables, children. */
void tl_ex_pdf(tl_ex *x, const guint8 *data, size_t len);                    /* pdf.c */
/* 1 once the first PDF was read and poppler's global parameters are kept
 * for the life of the process (pdf.c: one empty document never freed). */
int tl_ex_pdf_params_kept(void);
void tl_ex_office(tl_ex *x, const guint8 *data, size_t len, tl_filetype t);  /* office.c */
void tl_ex_ical(tl_ex *x, const char *data, size_t len);                     /* cal.c */
void tl_ex_vcard(tl_ex *x, const char *data, size_t len);                    /* cal.c */
void tl_ex_tnef(tl_ex *x, const guint8 *data, size_t len);                   /* tnef.c */
void tl_ex_rtf(tl_ex *x, const char *data, size_t len);                      /* rtf.c */
void tl_ex_archive(tl_ex *x, const guint8 *data, size_t len);                /* archive.c */
void tl_ex_image(tl_ex *x, const guint8 *data, size_t len);                  /* image.c */

/* The zip members of an Office or OpenDocument file whose names pass want
 * (NULL: all), read in memory under max_xml_bytes each and max_unpacked in
 * all: name -> GBytes.  NULL (with the status set) when the zip is
 * unreadable or a limit refused it.  archive.c. */
GHashTable *tl_ex_zip_members(tl_ex *x, const guint8 *data, size_t len, gboolean (*want)(const char *name));
/* The member names of a zip (for sniffing), at most max names. */
GPtrArray *tl_ex_zip_names(const guint8 *data, size_t len, int max);

#endif
