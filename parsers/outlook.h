/*
 * outlook.h - Outlook stores and items read as RFC 5322 messages.
 *
 * One reader for the three Outlook containers a scanner meets:
 *
 *   - PST and OST stores (libpff): every folder and every item in it, then
 *     the items libpff recovers from unallocated space and the orphan items
 *     it can reach (both marked recovered);
 *   - Outlook .msg files (OLE2 compound files with MAPI property streams,
 *     libolecf);
 *   - TNEF files (winmail.dat, a reader of our own, outlook_tnef.c: libytnef
 *     prints to stdout and refuses valid files); the attachment extractors
 *     read attached winmail.dat through it too (tl_outlook_tnef_content).
 *
 * Each item is turned into the bytes of an RFC 5322 message that GMime
 * parses: the item's transport headers when it has them, otherwise headers
 * built from its MAPI properties; its plain, HTML and RTF bodies (RTF
 * decompressed); its attachments as base64 MIME parts and its embedded
 * messages as message/rfc822 parts.  The bytes depend only on the item's
 * content: two reads of a store, or of two copies of it, give the same
 * bytes, so the scanner's identity (the SHA-256 of the bytes) is stable.
 * No boundary, header or date comes from the clock or from randomness.
 *
 * This header needs GLib only; the libraries stay inside outlook.c.
 * Nothing here prints, exits or writes a file.
 */
#ifndef TL_OUTLOOK_H
#define TL_OUTLOOK_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* What a callback is told about. */
typedef enum {
    TL_OL_FOLDER = 0,   /* a folder starts: path, id, count (its items) */
    TL_OL_MESSAGE,      /* an item read: data/len hold its RFC 5322 bytes */
    TL_OL_ERROR,        /* an item (or folder) that could not be read: reason */
    TL_OL_LAST
} tl_ol_event;

/* One event.  Every pointer is owned by the reader and valid only during
 * the callback: copy what you keep. */
typedef struct {
    tl_ol_event event;
    /* Folder path of display names from the store's root, each name
     * preceded by '/', with '/' and '%' in a name written %2F and %25:
     * "/Top of Personal Folders/Inbox/Sub".  Recovered items are in
     * "/(recovered)", orphan items in "/(orphan)"; a .msg or TNEF file has
     * "" (and so has the store's root folder). */
    const char *folder;
    /* The item's identifier in the store (libpff's descriptor identifier),
     * 0 for .msg and TNEF files.  With the folder and the store's name it
     * is the item's provenance. */
    uint64_t item_id;
    /* Position of the item in its folder (0-based; for the recovered and
     * orphan lists, the index in that list). */
    unsigned index;
    /* 1 for items libpff recovered from unallocated space or reached as
     * orphans: deleted or lost items, not in any folder listing. */
    int recovered;
    /* MAPI message class ("IPM.Note", "IPM.Appointment", ...), or NULL. */
    const char *msg_class;
    /* TL_OL_MESSAGE: the message bytes. */
    const uint8_t *data;
    size_t len;
    /* TL_OL_FOLDER: number of items the folder lists. */
    unsigned count;
    /* TL_OL_ERROR (and, for a message that was read only in part, also
     * TL_OL_MESSAGE): why, one line; else NULL. */
    const char *reason;
    /* What the read knows of the container so far (format, password
     * flag: set before the first event). */
    const struct tl_ol_info *info;
} tl_ol_item;

/* Called once per event, in store order (folders depth-first, each folder's
 * event before its items).  Return 0 to go on, anything else to stop the
 * read (tl_outlook_* then return what was read so far and set
 * tl_ol_info.stopped). */
typedef int (*tl_ol_cb)(const tl_ol_item *item, void *user);

/* Reading options (0 is the default: everything). */
enum {
    TL_OL_NO_RECOVERY = 1 << 0,   /* skip libpff's recovery of deleted items */
};

/* Limits on hostile input; 0 takes the default. */
typedef struct {
    unsigned flags;
    size_t max_item;       /* bytes of one produced message (default 256 MiB) */
    unsigned max_depth;    /* embedded-message nesting (default 8) */
} tl_ol_opts;

/* What a read found, filled in by every tl_outlook_* call. */
typedef struct tl_ol_info {
    char format[8];            /* "pst", "ost", "msg", "tnef" */
    int wide;                  /* PST/OST: 1 for 64-bit (Unicode), 0 for 32-bit (ANSI) */
    int password_flag;         /* the store has a password checksum (not encryption) */
    uint32_t password_checksum;
    int corrupted;             /* libpff says the store is corrupted */
    unsigned folders;          /* TL_OL_FOLDER events */
    unsigned messages;         /* TL_OL_MESSAGE events */
    unsigned recovered;        /* of which recovered or orphan */
    unsigned errors;           /* TL_OL_ERROR events */
    unsigned damaged;          /* of which about the store's own folders and items (not recovered entries) */
    unsigned remnants;         /* recovered entries that are no message and cannot be read: not reported */
    int stopped;               /* the callback asked to stop */
} tl_ol_info;

/* Reads a PST or OST store from a file (path), from an open descriptor
 * (fd: mapped read-only, not closed) or from memory (buf/len, e.g. a store
 * inside an archive; the buffer must outlive the call).  Returns TRUE when
 * the store could be opened (damaged items are then TL_OL_ERROR events and
 * the items before and after them are still delivered); FALSE with *why
 * (g_free it) when it cannot be opened at all. */
gboolean tl_outlook_pst_path(const char *path, const tl_ol_opts *opts, tl_ol_cb cb, void *user, tl_ol_info *info,
                             char **why);
gboolean tl_outlook_pst_fd(int fd, const tl_ol_opts *opts, tl_ol_cb cb, void *user, tl_ol_info *info, char **why);
gboolean tl_outlook_pst_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                            tl_ol_info *info, char **why);

/* Reads an Outlook .msg file (OLE2) from memory: one TL_OL_MESSAGE event,
 * or FALSE with *why when it is no readable .msg. */
gboolean tl_outlook_msg_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                            tl_ol_info *info, char **why);

/* Reads a TNEF file (winmail.dat) from memory: one TL_OL_MESSAGE event,
 * or FALSE with *why. */
gboolean tl_outlook_tnef_mem(const uint8_t *buf, size_t len, const tl_ol_opts *opts, tl_ol_cb cb, void *user,
                             tl_ol_info *info, char **why);

/* A TNEF stream read into what the attachment extractors want of it
 * (parsers/extract/tnef.c): the one TNEF reader of the project, for
 * winmail.dat files on disk and attached to messages alike. */
typedef struct {
    char *name;             /* the attachment's file name, or "attachmentN" */
    GBytes *data;           /* its bytes; an embedded message as RFC 5322 bytes */
} tl_tnef_file;
typedef struct {
    char *subject;          /* or NULL */
    GBytes *plain, *html, *rtf; /* bodies, each may be NULL; rtf decompressed */
    GPtrArray *files;       /* of tl_tnef_file*, in the stream's order */
    char *notes;            /* what could not be read ("; "-separated), or NULL */
} tl_tnef_content;
/* NULL with *why when buf is no TNEF stream; damage after its header keeps
 * what came before, with notes. */
tl_tnef_content *tl_outlook_tnef_content(const uint8_t *buf, size_t len, const tl_ol_opts *opts, char **why);
void tl_tnef_content_free(tl_tnef_content *t);

/* Whether buf starts like a TNEF stream (signature 0x223E9F78). */
gboolean tl_outlook_is_tnef(const uint8_t *buf, size_t len);

#endif
