/*
 * detect_cred.c - credentials (CRED.SECRET, research/sensitive-content.md
 * section 5.19): PEM and PGP private keys, AWS access key ids (and the
 * secret key written beside one), JWTs, GitHub, Slack and Google tokens,
 * passwords in basic-auth URLs and Authorization headers, passwords in
 * prose ("the password is ..."), and high-entropy values assigned to a
 * secret-looking key.
 *
 * The gitleaks model, ported rather than copied: each rule is a shape
 * Hyperscan finds (a fixed prefix, or a keyword and its separator), a
 * value read here in C, an entropy or decoding check, and placeholders
 * that are rejected.  A secret is never kept: the mask holds the rule,
 * the length, the character classes and, only for public fixed prefixes
 * (AKIA, ghp_, xoxb, AIza, eyJ), those first characters; the keyed hash
 * is over the secret.  Nothing is ever verified against a service.
 *
 * Hyperscan reports every end of a variable-length match: shapes whose
 * value Hyperscan reads (Slack, JWT) are taken only at their maximal end;
 * rules that match a keyword read the value themselves, once.
 */
#include <hs.h>
#include <string.h>

#include "scanner/detect/engine.h"

const tl_pattern tl_patterns_cred[] = {
    /* the BEGIN line only; the body and END line are found in C */
    { P_PEM, "-----BEGIN\\x20([A-Z0-9]+\\x20){0,2}PRIVATE\\x20KEY(\\x20BLOCK)?-----|"
             "----\\x20BEGIN\\x20SSH2\\x20ENCRYPTED\\x20PRIVATE\\x20KEY\\x20----", 0 },
    { P_AWS, "(AKIA|ASIA)[A-Z2-7]{16}", 0 },
    { P_JWT, "eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{16,}", 0 },
    { P_GITHUB, "gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", 0 },
    { P_SLACK, "xox[baprs]-[A-Za-z0-9-]{16,}", 0 },
    { P_GOOGLE, "AIza[0-9A-Za-z_-]{35}", 0 },
    /* scheme://user:password@h - the match ends at the host's first character */
    { P_URL_AUTH, "[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\\s:/@<>\"']+:[^\\s/@<>\"']+@[A-Za-z0-9]", 0 },
    { P_AUTH_HDR, "(proxy-)?authorization[\"']?\\x20{0,3}:?\\x20{0,3}(basic|bearer)\\x20{1,4}", HS_FLAG_CASELESS },
    /* a password keyword and its separator; the token is read in C */
    { P_PASSWORD, "\\b(pass(word|wd|code|phrase)|pwd|pw|pin(\\x20(code|number|no))?|temp(orary)?\\x20(password|pw)|"
                  "combination|cipher\\x20lock(\\x20(code|combination|combo))?|combo|door\\x20code|"
                  "wi-?fi(\\x20(password|key|code|pass))?)\\x20{0,3}(:|=|\\x20is)", HS_FLAG_CASELESS },
    /* a key naming a secret, up to its separator; the value is read in C */
    { P_SECRET_KV, "(secret|api[_.-]?key|apikey|token|access[_.-]?key|auth[_.-]?key|"
                   "private[_.-]?key|passphrase|credentials?|key|pass|auth)[A-Za-z0-9_.-]{0,32}[\"']?\\x20{0,3}[:=]",
      HS_FLAG_CASELESS },
    { K_USER, "\\b(user(\\x20?name|\\x20?id)?|login|log-?on|account|acct)", HS_FLAG_CASELESS },
    { K_CRED, "\\b(password|passwd|pwd|passphrase|passcode|credentials?|secret|api\\x20?key|api_key|token|"
              "access\\x20key|secret\\x20key|private\\x20key|client\\x20secret|client_secret)", HS_FLAG_CASELESS },
    /* meeting invitations: their PINs and passcodes open a call, not an account */
    { K_CRED_NEG, "\\b(meeting|conference|teleconference|dial-?in|participant|attendee|webex|zoom|bridge)",
      HS_FLAG_CASELESS },
    { 0, NULL, 0 }
};

#define ELLIPSIS "\xe2\x80\xa6"
#define MAX_PEM 4096        /* the engine's MAX_SPAN: a longer key is cut */

/* ---- value helpers ------------------------------------------------ */

static int
word_char(char c)
{
    return g_ascii_isalnum(c) || c == '_';
}

/* log2 of x > 0 without libm (the CLI does not link it): x = m 2^e with
 * m in [1, 2), and ln m = 2 atanh((m - 1) / (m + 1)), whose series
 * converges fast for z <= 1/3 (twelve terms: error below 1e-12). */
static double
log2_of(double x)
{
    int e = 0;
    while (x >= 2)
        x /= 2, e++;
    while (x < 1)
        x *= 2, e--;
    double z = (x - 1) / (x + 1), z2 = z * z, term = z, sum = 0;
    for (int k = 1; k < 25; k += 2, term *= z2)
        sum += term / k;
    return e + 2 * sum / 0.69314718055994530942;
}

/* Shannon entropy of s in bits per byte. */
static double
entropy(const char *s, size_t n)
{
    unsigned count[256] = { 0 };
    double h = 0;
    for (size_t i = 0; i < n; i++)
        count[(unsigned char)s[i]]++;
    for (size_t i = 0; i < 256; i++)
        if (count[i]) {
            double p = (double)count[i] / (double)n;
            h -= p * log2_of(p);
        }
    return h;
}

/* The character classes of s: U upper, L lower, D digit, S anything else;
 * out holds at least 5 bytes.  Returns how many. */
static int
classes(const char *s, size_t n, char *out)
{
    int u = 0, l = 0, dg = 0, o = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        u |= g_ascii_isupper(c), l |= g_ascii_islower(c), dg |= g_ascii_isdigit(c);
        o |= !g_ascii_isalnum(c);
    }
    if (u)
        out[k++] = 'U';
    if (l)
        out[k++] = 'L';
    if (dg)
        out[k++] = 'D';
    if (o)
        out[k++] = 'S';
    out[k] = '\0';
    return k;
}

/* "aws-key AKIA… len 20 classes UD": the rule, a public prefix (or none),
 * the length and the classes of the secret s, never its characters. */
static char *
mask(const char *det, const char *prefix, const char *s, size_t n)
{
    char cls[5];
    classes(s, n, cls);
    return g_strdup_printf("%s %s%slen %zu classes %s", det, prefix ? prefix : "", prefix ? ELLIPSIS " " : "", n, cls);
}

/* What the keyed hash is over: the value itself, or a pointer to it when
 * it is too long for c->norm. */
static void
set_norm(tl_cand *c, const char *s, size_t n)
{
    if (n < sizeof c->norm) {
        memcpy(c->norm, s, n);
        c->norm[n] = '\0';
    } else {
        c->hash_src = s;
        c->hash_len = n;
    }
}

static void
fill(tl_cand *c, const char *det, int score, size_t from, size_t to)
{
    c->det = det, c->cat = "CRED.SECRET";
    c->score = score;
    c->from = from, c->to = to;
}

/* One character (of any UTF-8 length) repeated: "********", "xxxxxx", "••••". */
static int
one_char_repeated(const char *s, size_t n)
{
    const char *next = g_utf8_find_next_char(s, s + n);
    size_t w = next ? (size_t)(next - s) : n;
    for (size_t i = w; i < n; i += w)
        if (i + w > n || memcmp(s, s + i, w) != 0)
            return 0;
    return 1;
}

/* Placeholders that stand where a secret would be: template variables,
 * masked or elided values, and the words documentation uses. */
static int
placeholder(const char *s, size_t n)
{
    static const char *const words[] = {
        "changeme", "changeit", "password", "passwd", "secret", "redacted", "hidden", "removed", "none", "null",
        "undefined", "placeholder", "token", "apikey", "username", "user", "pass", "pwd", "notset", "unset",
        "todo", "tbd", "sample", "dummy", "test", "foobar", "mypassword", "mysecret", "mytoken", "xxx",
    };
    static const char open[] = "<[{(%", close[] = ">]})%";
    const char *o = n ? strchr(open, s[0]) : NULL;
    if (n == 0 || one_char_repeated(s, n) || (o && s[n - 1] == close[o - open]) ||
        (s[0] == '$' && n > 1 && (s[1] == '{' || s[1] == '(' || g_ascii_isupper(s[1]))))
        return 1;   /* <password>, {{pass}}, %PASSWORD%, ${DB_PASS}, $TOKEN */
    char *low = g_ascii_strdown(s, (gssize)n);
    /* letters and digits only: "your_password", "YOUR-API-KEY" -> "yourpassword", "yourapikey" */
    size_t k = 0;
    for (size_t i = 0; low[i]; i++)
        if (g_ascii_isalnum(low[i]))
            low[k++] = low[i];
    low[k] = '\0';
    int hit = strstr(low, "xxxx") || strstr(low, "example") || g_str_has_prefix(low, "your") ||
              strstr(s, "****") || g_strstr_len(s, (gssize)n, "...") || g_strstr_len(s, (gssize)n, ELLIPSIS);
    for (size_t i = 0; i < G_N_ELEMENTS(words) && !hit; i++)
        hit = strcmp(low, words[i]) == 0;
    g_free(low);
    return hit;
}

/* "password", "Password1", "P@ssw0rd!": the default every example uses. */
static int
default_password(const char *s, size_t n)
{
    char w[9];
    size_t k = 0, i = 0;
    for (; i < n && k < 8; i++) {
        char c = g_ascii_tolower(s[i]);
        w[k++] = c == '@' ? 'a' : c == '0' ? 'o' : c == '$' ? 's' : c;
    }
    w[k] = '\0';
    if (strcmp(w, "password") != 0)
        return 0;
    for (; i < n; i++)
        if (g_ascii_isalpha(s[i]))
            return 0;
    return 1;
}

/* A word of prose rather than a password: letters (with hyphens or
 * apostrophes), the first maybe capitalised and the rest in one case. */
static int
wordlike(const char *s, size_t n)
{
    int lower = 0, upper = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-' || s[i] == '\'')
            continue;
        if (!g_ascii_isalpha(s[i]))
            return 0;
        if (i > 0) {
            lower |= g_ascii_islower(s[i]);
            upper |= g_ascii_isupper(s[i]);
        }
    }
    return !(lower && upper);
}

static int
urlish(const char *s, size_t n)
{
    return g_strstr_len(s, (gssize)n, "://") || g_ascii_strncasecmp(s, "www.", MIN(n, 4)) == 0 ||
           (memchr(s, '@', n) && memchr(s, '.', n));
}

/* The length of the run at s of characters in set (or, with set NULL, of
 * printable non-space bytes), at most max. */
static size_t
run_of(const char *s, size_t avail, const char *set)
{
    size_t n = 0;
    while (n < avail && s[n] && (set ? strchr(set, s[n]) != NULL : ((unsigned char)s[n] > 0x20 && s[n] != 0x7f)))
        n++;
    return n;
}

#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define B64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
#define TOKEN_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_.~-"

/* ---- private keys ------------------------------------------------- */

/* A private key block: the BEGIN line, its body and the END line within
 * MAX_PEM bytes.  99 with a body of at least 64 base64 characters and an
 * END line; 95 when the block is cut before its END; a BEGIN line with no
 * body (documentation, "-----BEGIN RSA PRIVATE KEY----- ... -----END")
 * is a candidate.  The hash is over the base64 body, whatever the line
 * breaks or quote marks ("> ") around it. */
static int
pem(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    size_t cap = MIN(p->len, h->from + MAX_PEM);
    const char *hdr = t + h->from;
    int ssh2 = hdr[4] == ' ';
    const char *kind0 = hdr + 11, *priv = g_strstr_len(kind0, (gssize)(h->to - (size_t)(kind0 - t)), "PRIVATE");
    char kind[32];
    if (ssh2)
        g_strlcpy(kind, "SSH2", sizeof kind);
    else if (!priv || priv == kind0)
        g_strlcpy(kind, "PKCS8", sizeof kind);
    else
        g_strlcpy(kind, kind0, MIN(sizeof kind, (size_t)(priv - kind0)));   /* drops the space */
    const char *endmark = ssh2 ? "---- END " : "-----END ";
    const char *end = h->to < cap ? memmem(t + h->to, cap - h->to, endmark, strlen(endmark)) : NULL;
    /* a BEGIN before it opens another block: this one has no END of its own */
    const char *next = h->to < cap ? memmem(t + h->to, cap - h->to, "-----BEGIN", 10) : NULL;
    if (next && (!end || next < end)) {
        end = NULL;
        cap = (size_t)(next - t);
    }
    size_t body_end = end ? (size_t)(end - t) : cap, to = cap;
    if (end) {
        const char *close = memmem(end + 9, cap - (size_t)(end + 9 - t), ssh2 ? "----" : "-----", ssh2 ? 4 : 5);
        size_t le = tl_line_end(t, cap, (size_t)(end - t));
        to = close && (size_t)(close - t) < le ? (size_t)(close - t) + (ssh2 ? 4 : 5) : le;
    }
    /* the body: base64 of the lines that are not "Header: value" lines */
    GString *body = g_string_new(NULL);
    for (size_t ls = tl_line_end(t, cap, h->to) + 1; ls < body_end;) {
        size_t le = tl_line_end(t, body_end, ls);
        if (!memchr(t + ls, ':', le - ls))
            for (size_t i = ls; i < le; i++)
                if (g_ascii_isalnum(t[i]) || t[i] == '+' || t[i] == '/' || t[i] == '=')
                    g_string_append_c(body, t[i]);
        ls = le + 1;
    }
    if (!end) {     /* cut: the span stops at the last body line within the cap */
        size_t last = body_end;
        while (last > h->to && (t[last - 1] == '\n' || t[last - 1] == '\r' || t[last - 1] == ' '))
            last--;
        to = MAX(last, h->to);
    }
    int score = body->len < 64 ? 40 : end ? 99 : 95;
    fill(c, "private-key", score, h->from, to);
    c->masked = mask("private-key", NULL, body->str, body->len);
    /* "private-key RSA len ..." : the key type is public, the body is not */
    char *m = g_strdup_printf("private-key %s%s", kind, c->masked + strlen("private-key"));
    g_free(c->masked);
    c->masked = m;
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, body->str, (gssize)body->len);
    g_strlcpy(c->norm, sum, sizeof c->norm);
    g_free(sum);
    memset(body->str, 0, body->len);
    g_string_free(body, TRUE);
    return 1;
}

/* ---- fixed-prefix tokens ------------------------------------------ */

/* AWS access key id: 90.  A 40-character secret access key written right
 * after it (a credentials.csv row, "id / secret") is taken into the span,
 * so that the snippet hides it too. */
static int
aws(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text, *id = t + h->from;
    if ((h->from > 0 && word_char(t[h->from - 1])) || (h->to < p->len && word_char(t[h->to])))
        return 0;   /* lower case or a longer run: not a key id */
    if (g_strstr_len(id, 20, "EXAMPLE") || entropy(id + 4, 16) < 2.5)
        return 0;   /* AWS documentation's example ids; AKIAAAAA... */
    size_t to = h->to, s = h->to, skipped = 0;
    while (s < p->len && skipped < 4 && strchr(" \t,;|:\n", t[s]))
        s++, skipped++;
    size_t n = s < p->len ? run_of(t + s, p->len - s, B64) : 0;
    char cls[5];
    int with_secret = n == 40 && skipped > 0 && classes(t + s, n, cls) >= 3 && entropy(t + s, n) >= 4.0;
    if (with_secret)
        to = s + n;
    fill(c, "aws-key", 90, h->from, to);
    char pre[5] = { id[0], id[1], id[2], id[3], '\0' };  /* AKIA or ASIA, public */
    char *m = mask("aws-key", pre, id, 20);
    c->masked = with_secret ? g_strdup_printf("%s + secret len 40", m) : g_strdup(m);
    g_free(m);
    set_norm(c, id, 20);
    return 1;
}

/* base64url to bytes (NUL-terminated), or NULL. */
static guchar *
b64url_decode(const char *s, size_t n, gsize *out)
{
    if (n == 0 || n > 4096)
        return NULL;
    char *b = g_malloc(n + 4);
    for (size_t i = 0; i < n; i++)
        b[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
    size_t k = n;
    while (k % 4)
        b[k++] = '=';
    b[k] = '\0';
    guchar *r = g_base64_decode(b, out);
    g_free(b);
    guchar *z = g_realloc(r, *out + 1);
    z[*out] = '\0';
    return z;
}

/* A JWT: three base64url segments, the first two JSON objects and the
 * header naming its algorithm ("alg").  85. */
static int
jwt(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    if ((h->to < p->len && (strchr(B64URL, t[h->to]) || (t[h->to] == '.' && h->to + 1 < p->len &&
                                                           strchr(B64URL, t[h->to + 1])))) ||
        (h->from > 0 && strchr(B64URL ".", t[h->from - 1])))
        return 0;
    const char *s = t + h->from, *dot = memchr(s, '.', h->to - h->from);
    gsize n = 0;
    guchar *head = b64url_decode(s, (size_t)(dot - s), &n);
    int ok = head && head[0] == '{' && strstr((char *)head, "\"alg\"");
    g_free(head);
    if (!ok)
        return 0;
    fill(c, "jwt", 85, h->from, h->to);
    c->masked = mask("jwt", "eyJ", s, h->to - h->from);
    set_norm(c, s, h->to - h->from);
    return 1;
}

static int
prefixed(const tl_text_part *p, const tl_hit *h, tl_cand *c, const char *det, int score, const char *more)
{
    const char *t = p->text, *s = t + h->from;
    size_t n = h->to - h->from;
    if ((h->from > 0 && word_char(t[h->from - 1])) ||
        (h->to < p->len && (g_ascii_isalnum(t[h->to]) || strchr(more, t[h->to]))))
        return 0;
    char pre[5];
    memcpy(pre, s, 4);
    pre[4] = '\0';
    fill(c, det, score, h->from, h->to);
    c->masked = mask(det, pre, s, n);
    set_norm(c, s, n);
    return 1;
}

/* xoxb-, xoxp-, xoxa-, xoxr-, xoxs-: numeric workspace and user parts
 * separated by hyphens, then the secret. */
static int
slack(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *s = p->text + h->from;
    size_t n = h->to - h->from;
    if (s[n - 1] == '-')
        return 0;   /* the maximal end without the dangling hyphen is taken */
    int hyphens = 0, digits = 0;
    for (size_t i = 0; i < n; i++)
        hyphens += s[i] == '-', digits += g_ascii_isdigit(s[i]);
    if (hyphens < 2 || digits < 6)
        return 0;
    return prefixed(p, h, c, "slack-token", 90, "-");
}

/* ---- passwords in URLs and headers -------------------------------- */

/* scheme://user:password@host: 85.  The span is user:password. */
static int
url_auth(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    const char *sep = g_strstr_len(t + h->from, (gssize)(h->to - h->from), "://");
    size_t user = (size_t)(sep - t) + 3, at = h->to - 2;
    const char *colon = memchr(t + user, ':', at - user);
    size_t pw = (size_t)(colon - t) + 1, n = at - pw;
    const char *u = t + user, *w = t + pw;
    size_t un = (size_t)(colon - u);
    if (placeholder(w, n) || default_password(w, n) || (un == 9 && g_ascii_strncasecmp(u, "anonymous", 9) == 0) ||
        (n <= 5 && strspn(w, "0123456789") >= n) || n < 3)
        return 0;   /* template, anonymous FTP, a port (host:8080@) */
    fill(c, "url-password", 85, user, at);
    char scheme[17];
    g_strlcpy(scheme, t + h->from, MIN(sizeof scheme, (size_t)(sep - (t + h->from)) + 1));
    char *m = mask("url-password", NULL, w, n);
    c->masked = g_strdup_printf("url-password %s%s", scheme, m + strlen("url-password"));
    g_free(m);
    set_norm(c, w, n);
    return 1;
}

/* Authorization: Basic <base64 of user:password> (85 when it decodes to
 * printable user:password) or Bearer <token> (85 when at least 20
 * characters with 3 classes or entropy 3.5); weaker ones are candidates. */
static int
auth_header(const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    if (h->to < p->len && t[h->to] == ' ')
        return 0;   /* the last space is the match to take */
    size_t n = h->to < p->len ? run_of(t + h->to, p->len - h->to, TOKEN_CHARS) : 0;
    const char *tok = t + h->to;
    if (n < 8 || placeholder(tok, n) || (h->to + n < p->len && strchr("<>${}%*", t[h->to + n])))
        return 0;
    size_t k = h->to;
    while (k > h->from && t[k - 1] == ' ')
        k--;
    int basic = g_ascii_tolower(t[k - 1]) == 'c';   /* basic, not bearer */
    int score = 55;
    char cls[5];
    if (basic) {
        gsize dn = 0;
        char *b = g_strndup(tok, n);
        guchar *dec = g_base64_decode(b, &dn);
        g_free(b);
        const char *colon = dec ? memchr(dec, ':', dn) : NULL;
        int printable = dn > 0;
        for (gsize i = 0; i < dn; i++)
            printable &= dec[i] >= 0x20 && dec[i] < 0x7f;
        if (colon && printable && colon > (char *)dec && (size_t)((char *)dec + dn - colon) > 1) {
            const char *pw = colon + 1;
            size_t pn = (size_t)((char *)dec + dn - pw);
            if (placeholder(pw, pn) || default_password(pw, pn)) {
                memset(dec, 0, dn);
                g_free(dec);
                return 0;
            }
            score = 85;
        }
        if (dec)
            memset(dec, 0, dn);
        g_free(dec);
    } else if (n >= 20 && (classes(tok, n, cls) >= 3 || entropy(tok, n) >= 3.5))
        score = 85;
    fill(c, "auth-header", score, h->to, h->to + n);
    char *m = mask("auth-header", NULL, tok, n);
    c->masked = g_strdup_printf("auth-header %s%s", basic ? "basic" : "bearer", m + strlen("auth-header"));
    g_free(m);
    set_norm(c, tok, n);
    return 1;
}

/* ---- passwords in prose ------------------------------------------- */

/* A password keyword, its separator (":", "=", "is") and a token of 6 to
 * 64 printable characters: 75 with 3 character classes or entropy 3.0,
 * 85 with a user name, login or account within 100 characters.  Weaker
 * tokens (digits only, a word) are candidates, hidden in snippets but not
 * reported; short numeric codes after PIN, combination or door code too.
 * Placeholders and links are not tokens.  Meeting PINs and passcodes
 * (meeting, conference, dial-in... within 300) lose 20. */
static int
password(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    if (h->from > 0 && g_ascii_isalnum(t[h->from - 1]))
        return 0;
    size_t s = h->to;
    if (t[h->to - 1] == 's' && s < p->len && g_ascii_isalnum(t[s]))
        return 0;   /* "is" is a word: "isn't", "issued" */
    while (s < p->len && (t[s] == ' ' || t[s] == '\t'))
        s++;
    if (t[h->to - 1] == 's' && s < p->len && t[s] == ':')     /* "password is: ..." */
        for (s++; s < p->len && (t[s] == ' ' || t[s] == '\t'); s++)
            ;
    if (s >= p->len)
        return 0;
    size_t n = run_of(t + s, p->len - s, NULL);
    /* quotes around it, and the sentence's full stop or comma after it */
    if (n >= 2 && (t[s] == '"' || t[s] == '\'' || t[s] == '`')) {
        const char *q = memchr(t + s + 1, t[s], n - 1);
        if (q) {
            n = (size_t)(q - (t + s)) - 1;
            s++;
        }
    }
    while (n > 0 && strchr(".,;", t[s + n - 1]))
        n--;
    const char *tok = t + s;
    char kw = g_ascii_tolower(t[h->from]);
    int code_kw = kw == 'c' || kw == 'd' || (kw == 'p' && g_ascii_tolower(t[h->from + 1]) == 'i');
    int short_code = code_kw && n >= 4 && n < 6 && strspn(tok, "0123456789-#*") >= n;
    if ((n < 6 && !short_code) || n > 64 || placeholder(tok, n) || urlish(tok, n))
        return 0;
    char cls[5];
    int nc = classes(tok, n, cls), score;
    int user = tl_near(d, K_USER, s, s + n, 100, 100);
    if (short_code)
        score = 50;
    else if (wordlike(tok, n))
        score = 50;     /* "the password is confidential": prose */
    else if (nc >= 3 || entropy(tok, n) >= 3.0)
        score = user ? 85 : 75;
    else
        score = 55;
    if (default_password(tok, n))
        score = MIN(score, 60);
    /* meeting PINs and passcodes; a password near the word "conference"
     * is still a password */
    int meeting_kw = g_ascii_strncasecmp(t + h->from, "pin", 3) == 0 ||
                     g_ascii_strncasecmp(t + h->from, "passcode", 8) == 0;
    if (meeting_kw && tl_near(d, K_CRED_NEG, s, s + n, 300, 300))
        score -= 20;
    fill(c, "password", score, s, s + n);
    c->masked = mask("password", NULL, tok, n);
    set_norm(c, tok, n);
    return 1;
}

/* ---- high-entropy values under a secret key ----------------------- */

/* key = value where the key names a secret (secret, api_key, token,
 * client_secret, access_key, private_key, passphrase, credentials; the
 * bare words key, pass and auth need a credential keyword within 300
 * characters) and the value is 20 to 256 characters of base64 or hex with
 * entropy above 4.5 (base64) or 3.0 (hex): 80; under a bare word, hex
 * of a digest's length is a digest.  Password keys belong to
 * the password rule.  A 40-character value under an AWS secret key, or
 * near an AWS key id, is an AWS secret access key: 90. */
static int
secret_kv(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    const char *t = p->text;
    size_t kf = h->from;    /* the key starts before its keyword: client_secret */
    while (kf > 0 && h->from - kf < 64 && (word_char(t[kf - 1]) || t[kf - 1] == '.' || t[kf - 1] == '-'))
        kf--;
    char *key = g_ascii_strdown(t + kf, (gssize)(h->to - kf));
    int pw = strstr(key, "passw") || strstr(key, "pwd");
    int strong = strstr(key, "secret") || strstr(key, "token") || strstr(key, "apikey") || strstr(key, "api_key") ||
                 strstr(key, "api-key") || strstr(key, "api.key") || strstr(key, "access") ||
                 strstr(key, "private") || strstr(key, "passphrase") || strstr(key, "credential");
    int aws_key = strstr(key, "aws") != NULL;
    g_free(key);
    if (pw || (!strong && !tl_near(d, K_CRED, h->from, h->to, 300, 300)))
        return 0;
    size_t s = h->to;
    while (s < p->len && (t[s] == ' ' || t[s] == '\t'))
        s++;
    if (s < p->len && (t[s] == '"' || t[s] == '\''))
        s++;
    size_t n = s < p->len ? run_of(t + s, p->len - s, TOKEN_CHARS) : 0;
    while (n > 0 && t[s + n - 1] == '.')
        n--;
    if (n < 20 || n > 256)
        return 0;
    const char *v = t + s;
    int hex = strspn(v, "0123456789abcdefABCDEF") >= n;
    double e = entropy(v, n);
    if (placeholder(v, n) || (hex ? e <= 3.0 : e <= 4.5))
        return 0;
    /* under a bare key, pass or auth, 32, 40 or 64 hex digits are an MD5,
     * SHA-1 or SHA-256 digest (a checksum, a commit), not a secret */
    if (hex && !strong && (n == 32 || n == 40 || n == 64))
        return 0;
    if (n == 40 && !hex && (aws_key || tl_near(d, P_AWS, s, s + n, 300, 300))) {
        fill(c, "aws-secret", 90, s, s + n);
        c->masked = mask("aws-secret", NULL, v, n);
    } else {
        fill(c, "secret", 80, s, s + n);
        c->masked = mask("secret", NULL, v, n);
    }
    set_norm(c, v, n);
    return 1;
}

int
tl_cand_cred(tl_detector *d, const tl_text_part *p, const tl_hit *h, tl_cand *c)
{
    switch (h->id) {
    case P_PEM:
        return pem(p, h, c);
    case P_AWS:
        return aws(p, h, c);
    case P_JWT:
        return jwt(p, h, c);
    case P_GITHUB:
        return prefixed(p, h, c, "github-token", 90, "_");
    case P_SLACK:
        return slack(p, h, c);
    case P_GOOGLE:
        return prefixed(p, h, c, "google-api-key", 85, "_-");
    case P_URL_AUTH:
        return url_auth(p, h, c);
    case P_AUTH_HDR:
        return auth_header(p, h, c);
    case P_PASSWORD:
        return password(d, p, h, c);
    case P_SECRET_KV:
        return secret_kv(d, p, h, c);
    default:
        return 0;
    }
}
