/*
 * base.h - what the pipeline stands on, below every room: refcounted
 * chunks, SHA-256 (whole buffers, files, incremental, in a background
 * thread) and message identity (digest.c), the thread primitives
 * (queue.c), time formatting and the evidence opener (util.c).  It
 * includes nothing of the project but the public header.
 */
#ifndef TL_BASE_H
#define TL_BASE_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/typoleak.h"

/* ------------------------------------------------------------------ */
/* Chunks (chunk.c)                                                    */
/* ------------------------------------------------------------------ */

/* A refcounted buffer of the splitter, which messages may borrow. */
typedef struct tl_chunk tl_chunk;
tl_chunk *tl_chunk_ref(tl_chunk *c);
void tl_chunk_unref(tl_chunk *c);   /* NULL is fine */
/* A new chunk of cap bytes, one reference. */
tl_chunk *tl_chunk_new(size_t cap);
/* Its bytes. */
uint8_t *tl_chunk_data(tl_chunk *c);

/* ------------------------------------------------------------------ */
/* Digests (digest.c) and time, evidence (util.c)                      */
/* ------------------------------------------------------------------ */

/* SHA-256 of a buffer, as 64 hex digits + NUL (libcrypto). */
void tl_sha256_hex(const void *data, size_t len, char out[65]);
/* The identity of a message's bytes, for counting one message once
 * wherever it was found.  A message split out of an mbox (from_mbox) has
 * its From-quoting undone first: one '>' comes off every line that starts
 * with '>'s and "From " (mboxrd's rule; mboxo's quoting is undone the
 * same way, except for lines that were ">From " already), so that the
 * copy in an mbox and the same message in a Maildir or an .eml are one
 * message.  Otherwise, and when no line is quoted, it is the SHA-256 of
 * the bytes (sha256, copied). */
void tl_message_identity(const uint8_t *data, size_t len, const char sha256[65], int from_mbox, char out[65]);
/* A unix time as ISO 8601 UTC to the second ("2023-05-01T10:00:00Z"), the
 * form of every timestamp in the database; NULL when out of range
 * (util.c). */
char *tl_iso_utc(int64_t unix_time);
/* Opens evidence read-only without touching its access time when the
 * kernel allows it (O_NOATIME needs the file's owner); flags are added
 * (O_NOFOLLOW...).  -1 and errno as open(2) (util.c). */
int tl_open_evidence(const char *path, int flags);
/* The full-text index beside a findings database (util.c): DB.text, as
 * the case key is DB.casekey; not DB-something, not *.db, so that globs of
 * databases do not take it (docs/schema.md). */
char *tl_text_db_path(const char *db_path);
/* Why the file at path cannot be a SQLite database, in words naming the
 * path (not there, a folder, not a SQLite file, shorter than its header
 * says), or NULL when it may be one; *exists says whether it is there. */
char *tl_db_file_problem(const char *path, int *exists);
/* SHA-256 (lower-case hex) of what remains to read on fd; 0 or an errno. */
int tl_sha256_fd(int fd, char out[65]);

/* Incremental SHA-256 for containers read in blocks. */
typedef struct tl_sha256 tl_sha256;
/* Like tl_sha256_update, but the bytes lie in chunk, which the hasher may
 * keep a reference to instead of copying them. */
void tl_sha256_update_chunk(tl_sha256 *h, const void *data, size_t len, tl_chunk *chunk);
/* background: large updates may be hashed by the background hasher thread
 * (the caller must not assume anything about which thread hashes). */
tl_sha256 *tl_sha256_new(int background);
void tl_sha256_update(tl_sha256 *h, const void *data, size_t len);
/* Writes the hex digest and frees h. */
void tl_sha256_finish(tl_sha256 *h, char out[65]);

/* ------------------------------------------------------------------ */
/* Thread primitives (scanner/queue.c, the only user of pthread.h)     */
/* ------------------------------------------------------------------ */

typedef struct tl_queue tl_queue;   /* unbounded FIFO of pointers */
tl_queue *tl_queue_new(void);
void tl_queue_free(tl_queue *q);    /* the queue must be empty */
void tl_queue_push(tl_queue *q, void *item);
void *tl_queue_pop(tl_queue *q);    /* waits for an item */

typedef struct tl_gate tl_gate;     /* slots and a byte budget */
tl_gate *tl_gate_new(int slots, int64_t budget);
void tl_gate_free(tl_gate *g);
/* Waits for a slot and `bytes` of budget (an item larger than the whole
 * budget gets in when nothing else is in). */
void tl_gate_take(tl_gate *g, int64_t bytes);
/* The same without waiting: 1 when taken, 0 when take() would wait. */
int tl_gate_try_take(tl_gate *g, int64_t bytes);
/* Gives back `slots` slots and `bytes` bytes. */
void tl_gate_give(tl_gate *g, int slots, int64_t bytes);

/* Runs fn(arg) the first time, from whichever thread; later calls wait for
 * it and return.  Zero-initialise the tl_once_t. */
typedef struct { int done; } tl_once_t;
void tl_once(tl_once_t *o, void (*fn)(void *), void *arg);

typedef struct tl_wait tl_wait;     /* a counter to wait on until zero */
tl_wait *tl_wait_new(void);
void tl_wait_free(tl_wait *w);
void tl_wait_add(tl_wait *w, int n);  /* n may be negative */
void tl_wait_zero(tl_wait *w);

#endif /* TL_BASE_H */
