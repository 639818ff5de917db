/*
 * outlook_int.h - what the Outlook reader's files share (parsers/outlook*.c):
 * the intermediate form of a MAPI message (ol_msg), the property accessor
 * interface (ol_src), property bags for .msg and TNEF, and the renderer and
 * event delivery.  Not for use outside the Outlook reader: parsers/outlook.h
 * is its interface.
 *
 *   outlook.c       the form, the accessors, compressed RTF, rendering,
 *                   events, the bounded memory handle, property bags
 *   outlook_pst.c   PST and OST stores (libpff)
 *   outlook_msg.c   Outlook .msg files (libolecf)
 *   outlook_tnef.c  TNEF streams (winmail.dat)
 */
#ifndef TL_OUTLOOK_INT_H
#define TL_OUTLOOK_INT_H

#include <glib.h>
#include <libbfio.h>
#include <stdint.h>

#include "parsers/outlook.h"

#define OL_MAX_ITEM_DEFAULT ((size_t)256 << 20)
#define OL_MAX_DEPTH_DEFAULT 8
#define OL_MAX_FOLDER_DEPTH 64
#define OL_MAX_PROP ((size_t)64 << 20)    /* one property value */

/* MAPI property ids (the upper 16 bits of a tag). */
enum {
    PID_MESSAGE_CLASS = 0x001A,
    PID_SUBJECT = 0x0037,
    PID_CONVERSATION_TOPIC = 0x0070,
    PID_CLIENT_SUBMIT_TIME = 0x0039,
    PID_SENT_REPRESENTING_NAME = 0x0042,
    PID_SENT_REPRESENTING_ADDRTYPE = 0x0064,
    PID_SENT_REPRESENTING_EMAIL = 0x0065,
    PID_TRANSPORT_HEADERS = 0x007D,
    PID_RECIPIENT_TYPE = 0x0C15,
    PID_SENDER_NAME = 0x0C1A,
    PID_SENDER_ADDRTYPE = 0x0C1E,
    PID_SENDER_EMAIL = 0x0C1F,
    PID_DELIVERY_TIME = 0x0E06,
    PID_BODY = 0x1000,
    PID_RTF_COMPRESSED = 0x1009,
    PID_HTML = 0x1013,
    PID_INTERNET_MESSAGE_ID = 0x1035,
    PID_REFERENCES = 0x1039,
    PID_IN_REPLY_TO = 0x1042,
    PID_DISPLAY_NAME = 0x3001,
    PID_ADDRTYPE = 0x3002,
    PID_EMAIL_ADDRESS = 0x3003,
    PID_CREATION_TIME = 0x3007,
    PID_ATTACH_DATA = 0x3701,
    PID_ATTACH_FILENAME = 0x3704,
    PID_ATTACH_METHOD = 0x3705,
    PID_ATTACH_LONG_FILENAME = 0x3707,
    PID_ATTACH_MIME_TAG = 0x370E,
    PID_ATTACH_CONTENT_ID = 0x3712,
    PID_SMTP_ADDRESS = 0x39FE,
    PID_INTERNET_CPID = 0x3FDE,
    PID_MESSAGE_CODEPAGE = 0x3FFD,
    PID_SENDER_SMTP = 0x5D01,
    PID_SENT_REPRESENTING_SMTP = 0x5D02,
    PID_PST_PASSWORD = 0x67FF,
};

/* MAPI property types. */
enum {
    TYP_I2 = 0x0002, TYP_LONG = 0x0003, TYP_BOOLEAN = 0x000B, TYP_OBJECT = 0x000D, TYP_I8 = 0x0014,
    TYP_STRING8 = 0x001E, TYP_UNICODE = 0x001F, TYP_SYSTIME = 0x0040, TYP_BINARY = 0x0102,
};

typedef struct {
    uint32_t type;          /* 1 To, 2 Cc, 3 Bcc (0: originator, left out) */
    char *name;
    char *addr;             /* SMTP address or NULL */
} ol_recip;

typedef struct ol_msg ol_msg;

typedef struct {
    char *filename;
    char *mime;
    char *cid;
    GBytes *data;           /* the bytes, or NULL */
    ol_msg *embedded;       /* an attached message, or NULL */
} ol_att;

struct ol_msg {
    char *msg_class, *subject, *headers;
    char *from_name, *from_addr, *sender_name, *sender_addr;
    char *message_id, *in_reply_to, *references;
    gint64 submit, delivery, creation;      /* unix seconds; G_MININT64 when absent */
    uint32_t cpid;                          /* PID_INTERNET_CPID of the HTML body, 0 */
    GBytes *plain, *html, *rtf;
    GPtrArray *recips;                      /* of ol_recip* */
    GPtrArray *atts;                        /* of ol_att* */
    GString *notes;                         /* what could not be read, "; "-separated */
};


/* A property source: one message, recipient or attachment of one of the
 * three formats.  Strings are returned as valid UTF-8 (g_free them),
 * binaries as GBytes; NULL / FALSE when the property is absent. */
typedef struct ol_src ol_src;
struct ol_src {
    char *(*str)(ol_src *s, uint16_t id);
    GBytes *(*bin)(ol_src *s, uint16_t id);
    gboolean (*u32)(ol_src *s, uint16_t id, uint32_t *v);
    gboolean (*time)(ol_src *s, uint16_t id, gint64 *t);
};

/* One read: the caller's callback and the limits. */
typedef struct {
    tl_ol_cb cb;
    void *user;
    tl_ol_info *info;
    size_t max_item;
    unsigned max_depth;
    unsigned flags;
    int stop;
} ol_ctx;

/* A property read from a .msg stream or a TNEF attribute. */
typedef struct {
    uint16_t type;
    GBytes *v;
} bagval;

typedef struct {
    ol_src base;
    GHashTable *props;      /* id -> bagval* */
    uint32_t codepage;      /* of 8-bit strings (PR_MESSAGE_CODEPAGE), 0: windows-1252 */
} bag_src;

/* The intermediate form (outlook.c): new and free; a note says what could
 * not be read ("; "-separated). */
ol_msg *tl_ol_msg_new(void);
void tl_ol_msg_free(ol_msg *m);
void tl_ol_note(ol_msg *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Accessors: FILETIME to unix seconds; the properties every message has;
 * one recipient; an attachment's names (its data is the format's). */
gint64 tl_ol_filetime_unix(uint64_t ft);
void tl_ol_fill_envelope(ol_src *s, ol_msg *m);
void tl_ol_fill_recip(ol_src *s, ol_msg *m);
ol_att *tl_ol_fill_att_names(ol_src *s);

/* Compressed RTF (MS-OXRTFCP), NULL when not valid; a charset name for a
 * Windows code page, or NULL; bytes without trailing NULs (takes b). */
GBytes *tl_ol_lzfu_decompress(const uint8_t *in, size_t len);
const char *tl_ol_cpid_charset(uint32_t cp);
GBytes *tl_ol_trim_nul(GBytes *b);

/* Events: a read's context; one event; a message rendered and delivered
 * (or an error over the size limit); an error. */
void tl_ol_ctx_init(ol_ctx *c, const tl_ol_opts *o, tl_ol_cb cb, void *user, tl_ol_info *info, const char *format);
void tl_ol_deliver(ol_ctx *c, tl_ol_item *it);
void tl_ol_deliver_msg(ol_ctx *c, const ol_msg *m, const char *folder, uint64_t id, unsigned index, int recovered);
/* m as RFC 5322 bytes (the form delivered). */
GString *tl_ol_render(const ol_msg *m);
void tl_ol_deliver_error(ol_ctx *c, const char *folder, uint64_t id, unsigned index, int recovered, const char *why);

/* A libbfio handle over buf (which must outlive it) whose reads stop at
 * its end, or NULL. */
libbfio_handle_t *tl_ol_mem_handle(const uint8_t *buf, size_t len);

/* Property bags: put keeps the first value of an id (takes v); get, and
 * the ol_src accessors over a bag; init/done; the plain, HTML and RTF
 * bodies of a bag into m. */
void tl_ol_bag_put(bag_src *b, uint16_t id, uint16_t type, GBytes *v);
bagval *tl_ol_bag_get(ol_src *s, uint16_t id);
char *tl_ol_bag_str(ol_src *s, uint16_t id);
GBytes *tl_ol_bag_bin(ol_src *s, uint16_t id);
gboolean tl_ol_bag_u32(ol_src *s, uint16_t id, uint32_t *v);
gboolean tl_ol_bag_time(ol_src *s, uint16_t id, gint64 *t);
void tl_ol_bag_init(bag_src *b);
void tl_ol_bag_done(bag_src *b);
void tl_ol_bag_bodies(bag_src *b, ol_msg *m);

#endif
