/*
 * detect.h - the detectors as the pipeline uses them: one detector per
 * worker thread, Hyperscan passes over each text part, the message roll-up,
 * the case key and keyed hashes.  The engine's internals shared by its
 * families are in engine.h; the validators in validate.h.
 */
#ifndef TL_DETECT_H
#define TL_DETECT_H

#include "scanner/job.h"

typedef struct tl_detector tl_detector;     /* engine.c; one per thread */

void tl_finding_free(gpointer f);

/* The case key at path: read (hex, at least 32 bytes of key), or created
 * with 32 random bytes and mode 0600 when absent. */
tl_status_t tl_case_key_load(const char *path, guint8 **key, gsize *keylen, char **errmsg);
/* key: the case key of the keyed hashes. NULL and *err set when the CPU
 * cannot run Hyperscan.  The pattern database is compiled once per
 * process: tl_detect_compile_async starts that in a thread (join it;
 * NULL and *err when the CPU cannot run Hyperscan); tl_detect_ready waits
 * for it, or compiles, and says whether it succeeded. */
tl_detector *tl_detector_new(const guint8 *key, gsize keylen, char **err);
GThread *tl_detect_compile_async(char **err);
int tl_detect_ready(char **err);
/* Where the database came from once ready: "embedded" (serialised at
 * build time for these patterns, this Hyperscan and this CPU), "compiled"
 * (at run time) or "none". */
const char *tl_detect_origin(void);
/* For tools/hsdb.c: the databases of both passes compiled and
 * serialised in one blob (g_free); the digest of the patterns and
 * Hyperscan version (g_free; the runs' rules_hash); the digest the
 * embedded blob is checked against, which adds how the patterns are split
 * between the passes (g_free). */
int tl_detect_serialize(char **bytes, size_t *len, char **err);
/* Every pattern in one database, in the same form (make bench's refloop -d). */
int tl_detect_serialize_one(char **bytes, size_t *len, char **err);
char *tl_detect_patterns_digest(void);
char *tl_detect_database_digest(void);
void tl_detector_free(tl_detector *d);
/* What a detector has read: text parts and their bytes, and how many of
 * them the second pass (the keyword classes of common words, run over a
 * part only when a candidate asks about one) and the third (the date and
 * passport shapes, run when a part has a label of theirs or a family asks)
 * also read. */
typedef struct {
    guint64 parts, bytes, word_parts, word_bytes, shape_parts, shape_bytes;
} tl_detect_stats;
void tl_detector_stats(const tl_detector *d, tl_detect_stats *out);
/* The date of the message being classified (unix seconds; 0: now), for
 * the plausible ages of dates of birth. */
void tl_detector_set_time(tl_detector *d, gint64 unix_time);
/* The findings at LOW or above in p (a GPtrArray of tl_finding); NULL
 * when the pattern database could not be compiled. */
GPtrArray *tl_detect_part(tl_detector *d, const tl_text_part *p);
/* The same, appending to masked the part's text with every validated span
 * (at any score) written as its type, for the full-text index. */
GPtrArray *tl_detect_part_masked(tl_detector *d, const tl_text_part *p, GString *masked);
/* The message roll-up of its findings (section 6): *categories gets the
 * sorted, comma-separated categories with a MEDIUM or HIGH finding or five
 * LOW findings of one detector (NULL when none); the result is the
 * severity, "S1" to "S4", or NULL when there is no finding at all. */
const char *tl_rollup(const GPtrArray *findings, char **categories);
/* Index of the finding that set the severity tl_rollup gave (its rule,
 * the highest score), or -1. */
int tl_rollup_reason(const GPtrArray *findings, const char *severity);

/* Identity documents (IDDOC.ATTACH) and photos with a GPS position
 * (GEO.PHOTO) among a message's attachments (tl_attachment*, from
 * parsers/text.c), judged with its subject (may be NULL) and text parts
 * (tl_text_part*): appends tl_finding* to found (the message's findings
 * so far, which it also reads), each with its attachment's path as part
 * (attach.c). */
void tl_detect_attachments(tl_detector *d, const char *subject, const GPtrArray *parts, const GPtrArray *attachments,
                           GPtrArray *found);

/* HMAC-SHA-256(key, norm) truncated to 128 bits, as 32 hex digits + NUL (validate.c). */
void tl_vhash(const guint8 *key, gsize keylen, const char *norm, char out[33]);

#endif /* TL_DETECT_H */
