/*
 * engine.h - shared by the detector engine (engine.c) and its families:
 *  identifiers and finance (id.c), contact data and dates of birth
 * (contact.c), government markings (mark.c) and credentials
 * (cred.c).
 *
 * Every family contributes patterns to the Hyperscan databases of the
 * engine's passes (engine.c: the first over every part, the others when a
 * part needs them); the engine orders the matches by end offset, files
 * them per pattern id, and hands each candidate match to its family, which
 * validates it and scores it by the uniform rule (section 4.3) with the
 * context helpers below.  The engine then applies what concerns all
 * families: document negative cues, overlaps, corroboration, the roster
 * effect, keyed hashes, quotes and snippets.
 */
#ifndef TL_ENGINE_H
#define TL_ENGINE_H

#include "scanner/detect/detect.h"
#include "scanner/detect/validate.h"

/* Pattern ids.  Candidates first, family by family; then context classes
 * (shapes first, then whole-word keyword lists from K_FIRST on). */
enum {
    /* detect_id.c */
    P_SSN_FMT, P_SSN_BARE, P_PAN_RUN, P_PAN_GROUPED, P_IBAN, P_EIN, P_DODID, P_CAC_CN,
    P_PASSPORT, P_MRZ_TD3, P_ACCOUNT, P_TRACK,
    /* detect_contact.c */
    P_PHONE, P_DSN, P_EMAIL, P_DATE,
    P_PHONE_INTL,
    P_MILPOST,
    /* detect_mark.c */
    P_BANNER, P_PORTION, P_CAB, P_CUI_IND, P_FOUO, P_PRIVACY, P_DIST, P_EXPORT, P_CLASS_LINE,
    /* detect_cred.c */
    P_PEM, P_AWS, P_JWT, P_GITHUB, P_SLACK, P_GOOGLE, P_URL_AUTH, P_AUTH_HDR, P_PASSWORD, P_SECRET_KV,
    /* detect/travel.c */
    P_FLIGHT, P_PNR, P_ETKT, P_BCBP, P_ROOM, P_DOORCODE, P_NAMED,
    /* detect/medical.c */
    P_ICD10, P_NPI, P_DEA, P_MBI, P_MRN,
    /* detect/places.c */
    P_MGRS, P_INSTALL,
    P_CAND_END,
    /* context shapes */
    P_EXPIRY = P_CAND_END,
    P_TIMEROW, P_VEVENT, P_GRADE, P_IMO, P_HULL, P_VITAL, P_FLAGNAME,
    /* whole-word keyword classes */
    K_FIRST,
    K_SSN = K_FIRST, K_PAN, K_NEG_COMMON, K_NEG_ID, K_DOC_NEG, K_TIN, K_EIN, K_ABA, K_DODID, K_PASSPORT, K_DOC_DATE,
    K_ACCOUNT, K_PHONE, K_DOB, K_DOB_NEG, K_BORN, K_PHONE_NEG, K_SIG, K_DSN,
    K_MARK_NEG, K_DESTRUCT, K_USER, K_CRED, K_CRED_NEG,
    /* detect/travel.c */
    K_VIP,
    /* detect/medical.c */
    K_MEDFORM,
    /* detect/tax.c */
    K_TAXFORM, K_LES,
    /* detect/naval.c */
    K_NAVAL,
    P_COUNT
};

typedef struct {
    unsigned id;                /* several expressions may share an id */
    const char *re;
    unsigned flags;             /* HS_FLAG_*; SOM_LEFTMOST is added */
} tl_pattern;

/* Each family's patterns, ended by an entry whose re is NULL. */
extern const tl_pattern tl_patterns_id[], tl_patterns_contact[], tl_patterns_mark[], tl_patterns_cred[];
/* What the leak carried (issue 12), each family in scanner/detect/. */
extern const tl_pattern tl_patterns_travel[], tl_patterns_people[], tl_patterns_medical[], tl_patterns_tax[],
    tl_patterns_naval[], tl_patterns_places[];

typedef struct {
    unsigned id;
    size_t from, to;
} tl_hit;

typedef struct tl_line tl_line;

#define TL_DETECT_PASSES 3      /* Hyperscan databases, one per pass (engine.c) */

struct tl_detector {
    void *scratch;              /* hs_scratch_t */
    guint8 *key;
    gsize keylen;
    gint64 ref_time;            /* the message's date (unix), for ages */
    GArray *hits;               /* of tl_hit, the candidates' loop: the first pass's matches (with the
                                 * third's when it ran before the loop), by end offset */
    GArray *pass_hits[TL_DETECT_PASSES];   /* the later passes' (engine.c), scanned when first asked about */
    int done[TL_DETECT_PASSES];            /* which passes ran over this part */
    struct {
        guint64 pass_parts[TL_DETECT_PASSES], pass_bytes[TL_DETECT_PASSES];
    } stats;
    GArray *by[P_COUNT];        /* both passes' hits, filed per pattern id (tl_hits_of) */
    int doc_neg;                /* the part is a sample, an example, training */
    const tl_text_part *part;
    guint64 serial;             /* counts parts, for the families' per-part state */
    GArray *lines;              /* of tl_line, built when a comma-separated table is asked about */
    tl_table_index *tables;     /* where offsets fall in the part's tables (tl_text_part.tables), built when asked */
    GPtrArray *own_tables;      /* the tables found here when the part came without them */
    struct tl_mark_state {      /* detect_mark.c: what the part's markings add up to */
        guint64 serial;
        int portions, classified_portions, cab, cui_ind, cui_banner, top_secret, secret, confidential,
            guide, destruct;
    } mark;
};

/* A validated candidate, as a family returns it. */
typedef struct {
    const char *det, *cat;      /* static */
    size_t from, to;            /* may differ from the match (a family can trim or widen) */
    int score;
    char *masked;               /* g_malloc'd */
    char norm[96];              /* the normalised value the keyed hash is over */
    const char *hash_src;       /* or a longer value, [hash_src, hash_src + hash_len) */
    size_t hash_len;
    int no_hash;                /* markings: labels, stored verbatim, no hash */
    int doc_neg_penalty;        /* what a document negative cue costs (default 20) */
    int pii;                    /* personal data: corroboration and privacy notices apply */
} tl_cand;

/* Family entry points: 1 and *c filled when the match h is a candidate. */
int tl_cand_id(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c);
int tl_cand_contact(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c);
int tl_cand_mark(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c);
int tl_cand_cred(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c);
int tl_cand_travel(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c);
int tl_cand_medical(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c);
int tl_cand_places(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c);

/* Document-level families: what a part adds up to (a roster, a time-line,
 * a tax form...), judged once the part's candidates are scored.  found
 * holds the part's findings so far (tl_finding *, every score, by
 * offset); each appends tl_cand to out.  Called in this order: people,
 * travel (VIP movement reads the rank-name units), medical, tax, naval. */
void tl_doc_people(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out);
void tl_doc_travel(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out);
void tl_doc_medical(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out);
void tl_doc_tax(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out);
void tl_doc_naval(tl_detector *d, const tl_text_part *p, const GPtrArray *found, GArray *out);

/* Counting context: how many hits of class k in [from, to); how many
 * distinct words (case-folded) among them. */
int tl_count_in(tl_detector *d, unsigned k, size_t from, size_t to);
int tl_distinct_in(tl_detector *d, unsigned k, size_t from, size_t to);

/* Context.  A hit of class k within [from - before, to + after] that does
 * not overlap the candidate. */
int tl_near(tl_detector *d, unsigned k, size_t from, size_t to, size_t before, size_t after);
/* Context of a cell of a table (the part's table model, tl_text_part.tables,
 * whatever the layout: tabs, pipes, aligned columns, CSV, HTML, sheets,
 * document tables): 1 when a keyword of class k is in the header cell over
 * the column of [from, to), in the candidate's own cell (outside it) or in
 * the cell before it in the row (a label: "SSN | 212456789"); 0 when none
 * is; -1 when [from, to) is not in a data row of a table with a header.
 * The header counts however many rows lie between. */
int tl_cell_context(tl_detector *d, unsigned k, size_t from, size_t to);
/* The context of a candidate: in a data row of a table with a header, its
 * cell's context alone (tl_cell_context: the column, not the neighbouring
 * rows and columns, which describe other values); elsewhere a keyword
 * within the window (tl_near), or over its column in comma-separated lines
 * (section 4.2). */
int tl_context(tl_detector *d, unsigned k, size_t from, size_t to, size_t before, size_t after);
/* Whether off lies in a data row of a table: one of the part's tables
 * with two rows or more (header included), or comma-separated lines of
 * three or more columns under a header row. */
int tl_in_table(tl_detector *d, size_t off);
/* The hits of pattern or class k in the part, by end offset (a keyword
 * class of the second pass is scanned for when first asked about). */
const GArray *tl_hits_of(tl_detector *d, unsigned k);
/* The start and end (exclusive, before the newline) of off's line. */
size_t tl_line_start(const char *t, size_t off);
size_t tl_line_end(const char *t, size_t len, size_t off);
/* Whether [from, to) is a whole word: no letter or digit continues it. */
int tl_whole_word(const char *t, size_t len, size_t from, size_t to);

#define TL_SCORE_LOW 65         /* below: a candidate, never returned */

#endif
