/*
 * check_cred.c - the credentials family (CRED.SECRET): private keys, AWS
 * key ids and secrets, JWTs, GitHub, Slack and Google tokens, basic-auth
 * URLs, Authorization headers, passwords in prose and high-entropy values
 * under a secret key; their scores, masks, snippets, traps, and a whole
 * scan that must leave no secret byte in the database.
 *
 * No token-shaped literal sits in this file: every fake secret is built
 * per run from a public prefix and characters drawn with a GRand, so that
 * secret scanners have nothing to flag and no real credential is used.
 */
#include <gmime/gmime.h>
#include <math.h>
#include <string.h>

#include "tl_test.h"


#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGITS "0123456789"
#define OPEN "\xe2\x9f\xa8"
#define CLOSE "\xe2\x9f\xa9"

typedef tl_test_found scan_result;

static scan_result
detect(const char *body)
{
    return tl_test_detect("text/plain; charset=utf-8", body, 0);
}

static void
done(scan_result *r)
{
    tl_test_found_free(r);
}

/* n characters of alphabet, all different when n fits (a shuffle), so
 * that entropy and character classes do not depend on luck. */
static char *
draw(GRand *g, const char *alphabet, size_t n)
{
    size_t an = strlen(alphabet);
    char *a = g_strdup(alphabet), *out = g_malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        if (i % an == 0)    /* reshuffle each round */
            for (size_t k = an; k > 1; k--) {
                size_t j = (size_t)g_rand_int_range(g, 0, (gint32)k);
                char x = a[k - 1];
                a[k - 1] = a[j], a[j] = x;
            }
        out[i] = a[i % an];
    }
    out[n] = '\0';
    g_free(a);
    return out;
}

/* Upper, lower and digit in s, whatever the draw gave. */
static char *
uld(char *s)
{
    s[0] = 'K', s[1] = 'q', s[2] = '8';
    return s;
}

/* The class set of s, computed here independently of the code under test. */
static void
class_set(const char *s, char out[5])
{
    int u = 0, l = 0, d = 0, o = 0, k = 0;
    for (; *s; s++)
        u |= g_ascii_isupper(*s), l |= g_ascii_islower(*s), d |= g_ascii_isdigit(*s), o |= !g_ascii_isalnum(*s);
    if (u)
        out[k++] = 'U';
    if (l)
        out[k++] = 'L';
    if (d)
        out[k++] = 'D';
    if (o)
        out[k++] = 'S';
    out[k] = '\0';
}

/* base64url without padding, as JWTs use it. */
static char *
b64url(const char *s)
{
    char *b = g_base64_encode((const guchar *)s, strlen(s));
    size_t k = 0;
    for (size_t i = 0; b[i]; i++)
        if (b[i] != '=')
            b[k++] = b[i] == '+' ? '-' : b[i] == '/' ? '_' : b[i];
    b[k] = '\0';
    return b;
}

static const char *
level_of(int score)
{
    return score >= 85 ? "HIGH" : score >= 75 ? "MEDIUM" : "LOW";
}

/* The one finding of r: detector, score, level and mask as expected; the
 * secret in neither its mask nor its snippet, and the snippet showing the
 * detector where the secret was. */
static const tl_finding *
expect_one(const scan_result *r, const char *det, int score, const char *masked, const char *secret)
{
    ck_assert_msg(r->found->len == 1, "%u findings, want one %s", r->found->len, det);
    const tl_finding *f = r->found->pdata[0];
    ck_assert_str_eq(f->detector, det);
    ck_assert_str_eq(f->category, "CRED.SECRET");
    ck_assert_int_eq(f->score, score);
    ck_assert_str_eq(f->level, level_of(score));
    ck_assert_str_eq(f->masked, masked);
    ck_assert_msg(!strstr(f->masked, secret), "masked holds the secret");
    ck_assert_msg(!strstr(f->snippet, secret), "snippet holds the secret: %s", f->snippet);
    char *tag = g_strconcat(OPEN, det, CLOSE, NULL);
    ck_assert_msg(strstr(f->snippet, tag) != NULL, "%s", f->snippet);
    g_free(tag);
    return f;
}

static void
expect_none(const char *body, const char *what)
{
    scan_result r = detect(body);
    ck_assert_msg(r.found->len == 0, "%s: %u findings, first %s %s", what, r.found->len,
                  r.found->len ? ((tl_finding *)r.found->pdata[0])->detector : "",
                  r.found->len ? ((tl_finding *)r.found->pdata[0])->masked : "");
    done(&r);
}

/* ---- private keys ------------------------------------------------- */

/* lines of 64 base64 characters: every class in every line */
static char *
pem_body(GRand *g, int lines)
{
    GString *b = g_string_new(NULL);
    for (int i = 0; i < lines; i++) {
        char *l = draw(g, UPPER LOWER DIGITS "+/", 64);
        g_string_append_printf(b, "%s\n", l);
        g_free(l);
    }
    return g_string_free(b, FALSE);
}

START_TEST(test_private_keys)
{
    GRand *g = g_rand_new();
    char *body = pem_body(g, 20);
    char *line2 = g_strndup(body + 65, 64);
    const char *kinds[][2] = { { "RSA ", "RSA" }, { "", "PKCS8" }, { "OPENSSH ", "OPENSSH" },
                               { "ENCRYPTED ", "ENCRYPTED" }, { "EC ", "EC" } };
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        char *msg = g_strdup_printf("Here is the server key, keep it safe:\n\n-----BEGIN %sPRIVATE KEY-----\n%s"
                                    "-----END %sPRIVATE KEY-----\n\nThanks\n", kinds[i][0], body, kinds[i][0]);
        scan_result r = detect(msg);
        char *want = g_strdup_printf("private-key %s len 1280 classes ULDS", kinds[i][1]);
        const tl_finding *f = expect_one(&r, "private-key", 99, want, line2);
        ck_assert_msg(strstr(f->snippet, "safe:  " OPEN "private-key" CLOSE) != NULL, "%s", f->snippet);
        g_free(want);
        done(&r);
        g_free(msg);
    }

    /* PGP private key block, with its armour headers and checksum line */
    char *msg = g_strdup_printf("-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n%s=AbCd\n"
                                "-----END PGP PRIVATE KEY BLOCK-----\n", body);
    scan_result r = detect(msg);
    expect_one(&r, "private-key", 99, "private-key PGP len 1285 classes ULDS", line2);
    done(&r);
    g_free(msg);

    /* quoted in a reply: the same key, the same keyed hash */
    char *v1 = NULL;
    for (int q = 0; q < 2; q++) {
        GString *m = g_string_new(q ? "> -----BEGIN RSA PRIVATE KEY-----\n" : "-----BEGIN RSA PRIVATE KEY-----\n");
        for (const char *l = body; *l; l = strchr(l, '\n') + 1)
            g_string_append_printf(m, "%s%.65s", q ? "> " : "", l);
        g_string_append_printf(m, "%s-----END RSA PRIVATE KEY-----\n", q ? "> " : "");
        r = detect(m->str);
        const tl_finding *f = expect_one(&r, "private-key", 99, "private-key RSA len 1280 classes ULDS", line2);
        if (!q)
            v1 = g_strdup(f->vhash);
        else
            ck_assert_str_eq(f->vhash, v1);
        done(&r);
        g_string_free(m, TRUE);
    }
    g_free(v1);

    /* cut before its END line (longer than 4096 bytes): still a key, 95 */
    char *big = pem_body(g, 80);
    msg = g_strdup_printf("-----BEGIN RSA PRIVATE KEY-----\n%s-----END RSA PRIVATE KEY-----\n", big);
    r = detect(msg);
    ck_assert_uint_eq(r.found->len, 1);
    const tl_finding *f = r.found->pdata[0];
    ck_assert_int_eq(f->score, 95);
    ck_assert_uint_le(f->len, 4096);
    ck_assert(g_str_has_prefix(f->masked, "private-key RSA len "));
    done(&r);
    g_free(msg);
    g_free(big);

    /* traps: public keys, certificates, PGP signatures and public key
     * blocks are not secrets; a BEGIN line in documentation is no key */
    const char *traps[] = { "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE", "PGP SIGNATURE", "PGP PUBLIC KEY BLOCK",
                            "CERTIFICATE REQUEST" };
    for (size_t i = 0; i < G_N_ELEMENTS(traps); i++) {
        msg = g_strdup_printf("-----BEGIN %s-----\n%s-----END %s-----\n", traps[i], body, traps[i]);
        expect_none(msg, traps[i]);
        g_free(msg);
    }
    expect_none("Paste the key between -----BEGIN RSA PRIVATE KEY----- and\n...\n-----END RSA PRIVATE KEY-----\n",
                "documentation");
    /* a BEGIN line whose END belongs to the certificate after it */
    msg = g_strdup_printf("No -----BEGIN RSA PRIVATE KEY----- here, only the certificate:\n-----BEGIN CERTIFICATE-----\n"
                          "%s-----END CERTIFICATE-----\n", body);
    expect_none(msg, "certificate after a BEGIN line");
    g_free(msg);
    g_free(line2);
    g_free(body);
    g_rand_free(g);
}
END_TEST

/* ---- AWS ---------------------------------------------------------- */

START_TEST(test_aws)
{
    GRand *g = g_rand_new();
    char *tail = draw(g, UPPER "234567", 16);
    tail[5] = '7';  /* a digit, so that the classes are known */
    char *id = g_strconcat("AKIA", tail, NULL);
    char *sec = draw(g, UPPER LOWER DIGITS "+/", 40);
    char *msg = g_strdup_printf("Your new access key: %s\nStore it in the vault.\n", id);
    scan_result r = detect(msg);
    const tl_finding *f = expect_one(&r, "aws-key", 90, "aws-key AKIA\xe2\x80\xa6 len 20 classes UD", id);
    ck_assert_uint_eq(f->len, 20);
    ck_assert(!strstr(f->masked, tail));
    done(&r);
    g_free(msg);

    /* a credentials.csv row: the secret right after the id is in the span */
    msg = g_strdup_printf("User name,Access key ID,Secret access key\nsvc-backup,%s,%s\n", id, sec);
    r = detect(msg);
    expect_one(&r, "aws-key", 90, "aws-key AKIA\xe2\x80\xa6 len 20 classes UD + secret len 40", sec);
    f = r.found->pdata[0];
    ck_assert_uint_eq(f->len, 61);
    ck_assert(!strstr(f->snippet, id));
    done(&r);
    g_free(msg);

    /* the ~/.aws/credentials form: id and secret, two findings */
    msg = g_strdup_printf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", id, sec);
    r = detect(msg);
    ck_assert_uint_eq(r.found->len, 2);
    f = r.found->pdata[1];
    ck_assert_str_eq(f->detector, "aws-secret");
    ck_assert_int_eq(f->score, 90);
    char cls[5], *want;
    class_set(sec, cls);
    want = g_strdup_printf("aws-secret len 40 classes %s", cls);
    ck_assert_str_eq(f->masked, want);
    for (guint i = 0; i < r.found->len; i++) {
        f = r.found->pdata[i];
        ck_assert(!strstr(f->snippet, sec) && !strstr(f->snippet, id) && !strstr(f->masked, sec));
    }
    done(&r);
    g_free(want);
    g_free(msg);

    /* ASIA: temporary credentials */
    char *sid = g_strconcat("ASIA", tail, NULL);
    msg = g_strdup_printf("session key %s\n", sid);
    r = detect(msg);
    expect_one(&r, "aws-key", 90, "aws-key ASIA\xe2\x80\xa6 len 20 classes UD", sid);
    done(&r);
    g_free(msg);

    /* traps: a lower-case letter, one character short or long, lower-case
     * prefix, the documentation's EXAMPLE id, a run of one letter */
    char *lower = g_strdup(id);
    lower[9] = 'q';
    char *shortid = g_strndup(id, 19), *longid = g_strconcat(id, "Q", NULL), *low4 = g_strconcat("akia", tail, NULL);
    char *example = g_strconcat("AKIA", "IOSFODNN7", "EXAMPLE", NULL);
    char *same = g_strconcat("AKIA", "AAAAAAAAAAAAAAAA", NULL);
    const char *traps[] = { lower, shortid, longid, low4, example, same };
    for (size_t i = 0; i < G_N_ELEMENTS(traps); i++) {
        msg = g_strdup_printf("access key id %s\n", traps[i]);
        expect_none(msg, "aws trap");
        g_free(msg);
    }
    g_free(lower), g_free(shortid), g_free(longid), g_free(low4), g_free(example), g_free(same);
    g_free(sid), g_free(id), g_free(tail), g_free(sec);
    g_rand_free(g);
}
END_TEST

/* ---- JWT and prefixed tokens -------------------------------------- */

START_TEST(test_jwt)
{
    GRand *g = g_rand_new();
    char *sub = draw(g, DIGITS, 9);
    char *json = g_strdup_printf("{\"sub\":\"%s\",\"name\":\"Jane Roe\",\"iat\":1700000000}", sub);
    char *h = b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"), *pl = b64url(json);
    char *sig = draw(g, UPPER LOWER DIGITS "-_", 43);
    char *tok = g_strconcat(h, ".", pl, ".", sig, NULL);
    char cls[5];
    class_set(tok, cls);
    char *want = g_strdup_printf("jwt eyJ\xe2\x80\xa6 len %zu classes %s", strlen(tok), cls);
    char *msg = g_strdup_printf("session cookie was %s (expires tomorrow)\n", tok);
    scan_result r = detect(msg);
    expect_one(&r, "jwt", 85, want, sig);
    ck_assert(!strstr(((tl_finding *)r.found->pdata[0])->snippet, pl));
    done(&r);
    g_free(msg);

    /* traps: a header that is not JSON with "alg", two segments only */
    char *notjson = b64url("{\"kid\":\"x\",\"typ\":\"JWT\"}");
    char *bad = g_strconcat(notjson, ".", pl, ".", sig, NULL);
    msg = g_strdup_printf("value %s\n", bad);
    expect_none(msg, "jwt without alg");
    g_free(msg);
    char *two = g_strconcat(h, ".", pl, NULL);
    msg = g_strdup_printf("value %s\n", two);
    expect_none(msg, "two segments");
    g_free(msg);
    g_free(two), g_free(bad), g_free(notjson);
    g_free(want), g_free(tok), g_free(sig), g_free(h), g_free(pl), g_free(json), g_free(sub);
    g_rand_free(g);
}
END_TEST

START_TEST(test_prefixed_tokens)
{
    GRand *g = g_rand_new();
    char *r36 = uld(draw(g, UPPER LOWER DIGITS, 36));
    char *gh = g_strconcat("ghp_", r36, NULL);
    char *msg = g_strdup_printf("export GH=%s\n", gh);
    scan_result r = detect(msg);
    expect_one(&r, "github-token", 90, "github-token ghp_\xe2\x80\xa6 len 40 classes ULDS", r36);
    done(&r);
    g_free(msg);

    char *p22 = draw(g, UPPER LOWER DIGITS, 22), *p59 = uld(draw(g, UPPER LOWER DIGITS, 59));
    char *pat = g_strconcat("github", "_pat_", p22, "_", p59, NULL);
    msg = g_strdup_printf("token for the CI: %s\n", pat);
    r = detect(msg);
    expect_one(&r, "github-token", 90, "github-token gith\xe2\x80\xa6 len 93 classes ULDS", p59);
    done(&r);
    g_free(msg);

    char *w = draw(g, DIGITS, 11), *u = draw(g, DIGITS, 12), *sk = uld(draw(g, UPPER LOWER DIGITS, 24));
    char *sl = g_strconcat("xoxb-", w, "-", u, "-", sk, NULL);
    msg = g_strdup_printf("bot token %s for the alerts channel\n", sl);
    r = detect(msg);
    char *want = g_strdup_printf("slack-token xoxb\xe2\x80\xa6 len %zu classes ULDS", strlen(sl));
    expect_one(&r, "slack-token", 90, want, sk);
    done(&r);
    g_free(want);
    g_free(msg);

    char *r35 = uld(draw(g, UPPER LOWER DIGITS, 35));
    char *gk = g_strconcat("AI", "za", r35, NULL);
    msg = g_strdup_printf("maps key=%s\n", gk);
    r = detect(msg);
    expect_one(&r, "google-api-key", 85, "google-api-key AIza\xe2\x80\xa6 len 39 classes ULD", r35);
    done(&r);
    g_free(msg);

    /* traps: one character short or long, a short Slack-like string, a
     * Google key one short */
    char *gh35 = g_strndup(gh, 39), *gh37 = g_strconcat(gh, "x", NULL), *gk34 = g_strndup(gk, 38);
    char *slshort = g_strconcat("xoxb-", "not-a-token-at-all", NULL);
    const char *traps[] = { gh35, gh37, gk34, slshort };
    for (size_t i = 0; i < G_N_ELEMENTS(traps); i++) {
        msg = g_strdup_printf("value %s here\n", traps[i]);
        expect_none(msg, traps[i] == slshort ? "slack" : "prefixed");
        g_free(msg);
    }
    g_free(gh35), g_free(gh37), g_free(gk34), g_free(slshort);
    g_free(r35), g_free(gk), g_free(w), g_free(u), g_free(sk), g_free(sl), g_free(p22), g_free(p59), g_free(pat);
    g_free(r36), g_free(gh);
    g_rand_free(g);
}
END_TEST

/* ---- URLs and headers --------------------------------------------- */

START_TEST(test_url_and_header)
{
    GRand *g = g_rand_new();
    char *pw = draw(g, UPPER LOWER DIGITS "!*", 14);
    pw[0] = 'Q', pw[1] = 'x', pw[2] = '7', pw[3] = '!';
    char *msg = g_strdup_printf("Connect with postgres://dbadmin:%s@db.internal.army.mil:5432/pay\n", pw);
    scan_result r = detect(msg);
    const tl_finding *f = expect_one(&r, "url-password", 85, "url-password postgres len 14 classes ULDS", pw);
    ck_assert_msg(strstr(f->snippet, "postgres://" OPEN "url-password" CLOSE "@db.internal") != NULL, "%s",
                  f->snippet);
    done(&r);
    g_free(msg);

    /* traps: placeholders, anonymous FTP, a port before @ */
    const char *url_traps[] = { "https://user:password@example.org/", "http://admin:${DB_PASS}@db/",
                                "https://user:****@host/", "ftp://anonymous:guest@ftp.host.org/",
                                "https://me:<password>@host/", "http://deploy:changeme@ci/",
                                "https://u:your_password@host/", "http://proxy:8080@evil.org/" };
    for (size_t i = 0; i < G_N_ELEMENTS(url_traps); i++) {
        msg = g_strdup_printf("see %s\n", url_traps[i]);
        expect_none(msg, url_traps[i]);
        g_free(msg);
    }

    /* Authorization: Basic base64(user:password), Bearer <token> */
    char *creds = g_strconcat("svc_backup:", pw, NULL);
    char *b64 = g_base64_encode((const guchar *)creds, strlen(creds));
    char cls[5];
    class_set(b64, cls);
    char *want = g_strdup_printf("auth-header basic len %zu classes %s", strlen(b64), cls);
    msg = g_strdup_printf("curl -H 'Authorization: Basic  %s' https://api.host/\n", b64);
    r = detect(msg);
    expect_one(&r, "auth-header", 85, want, b64);
    done(&r);
    g_free(msg);
    g_free(want);

    char *bt = uld(draw(g, UPPER LOWER DIGITS, 40));
    msg = g_strdup_printf("GET /v1/items HTTP/1.1\nAuthorization: Bearer %s\n", bt);
    r = detect(msg);
    expect_one(&r, "auth-header", 85, "auth-header bearer len 40 classes ULD", bt);
    done(&r);
    g_free(msg);

    /* traps: placeholder tokens, a Basic value that decodes to a
     * placeholder, a short bearer token */
    char *ph = g_base64_encode((const guchar *)"user:password", 13);
    char *hdr_ph = g_strconcat("Authorization: Basic ", ph, "\n", NULL);
    const char *hdr_traps[] = { "Authorization: Bearer <token>\n", "Authorization: Bearer YOUR_ACCESS_TOKEN\n",
                                "Authorization: Bearer $TOKEN\n", "Authorization: Bearer abc123\n", hdr_ph };
    for (size_t i = 0; i < G_N_ELEMENTS(hdr_traps); i++)
        expect_none(hdr_traps[i], hdr_traps[i]);
    g_free(hdr_ph), g_free(ph);
    g_free(bt), g_free(b64), g_free(creds), g_free(pw);
    g_rand_free(g);
}
END_TEST

/* ---- passwords in prose ------------------------------------------- */

START_TEST(test_password_prose)
{
    GRand *g = g_rand_new();
    char *pw = uld(draw(g, UPPER LOWER DIGITS, 9));
    char *tok = g_strconcat(pw, "#", NULL);     /* four classes */
    char *msg = g_strdup_printf("Hi Sam,\nyour temporary password is %s. Change it at first logon.\n", tok);
    scan_result r = detect(msg);
    /* "logon" is a login word within 100 characters: HIGH */
    expect_one(&r, "password", 85, "password len 10 classes ULDS", tok);
    done(&r);
    g_free(msg);

    msg = g_strdup_printf("The share's password: %s\n", tok);
    r = detect(msg);
    const tl_finding *f = expect_one(&r, "password", 75, "password len 10 classes ULDS", tok);
    ck_assert_msg(strstr(f->snippet, "password: " OPEN "password" CLOSE) != NULL, "%s", f->snippet);
    done(&r);
    g_free(msg);

    msg = g_strdup_printf("Username: jroe\nPassword: %s\n", tok);
    r = detect(msg);
    expect_one(&r, "password", 85, "password len 10 classes ULDS", tok);
    done(&r);
    g_free(msg);

    /* two classes but entropy above 3.0 bits: 12 different characters */
    char *wifi = draw(g, LOWER DIGITS, 12);
    wifi[0] = 'k', wifi[1] = '4';
    char cls[5];
    class_set(wifi, cls);
    char *want = g_strdup_printf("password len 12 classes %s", cls);
    msg = g_strdup_printf("Guest wifi password = %s\n", wifi);
    r = detect(msg);
    expect_one(&r, "password", 75, want, wifi);
    done(&r);
    g_free(want);
    g_free(msg);

    /* quoted with a trailing comma; a meeting passcode loses 20 */
    msg = g_strdup_printf("the passcode is \"%s\", and\n", tok);
    r = detect(msg);
    expect_one(&r, "password", 75, "password len 10 classes ULDS", tok);
    done(&r);
    g_free(msg);
    msg = g_strdup_printf("Join the meeting, passcode: %s\n", tok);
    expect_none(msg, "meeting passcode");
    g_free(msg);
    /* a password is a password even in a mail about a conference */
    msg = g_strdup_printf("Slides for the conference are on the share.\nUsername: jdoe\nPassword: %s\n", tok);
    r = detect(msg);
    expect_one(&r, "password", 85, "password len 10 classes ULDS", tok);
    done(&r);
    g_free(msg);

    /* weak tokens are candidates: not reported, but hidden in snippets */
    char *pin = draw(g, DIGITS, 6);
    msg = g_strdup_printf("PIN: %s and the lab key %s\n", pin, wifi);
    char *gk = g_strconcat("AI", "za", pw, pw, pw, pw, NULL);
    gk[39] = '\0';
    g_free(msg);
    msg = g_strdup_printf("PIN: %s, api %s\n", pin, gk);
    r = detect(msg);
    ck_assert_uint_eq(r.found->len, 1);
    f = r.found->pdata[0];
    ck_assert_str_eq(f->detector, "google-api-key");
    ck_assert_msg(strstr(f->snippet, "PIN: " OPEN "password" CLOSE ", api") != NULL, "%s", f->snippet);
    ck_assert(!strstr(f->snippet, pin));
    done(&r);
    g_free(msg);
    g_free(gk);
    g_free(pin);
    g_free(wifi);
    g_free(tok);
    g_free(pw);
    g_rand_free(g);
}
END_TEST

START_TEST(test_password_traps)
{
    /* each alone, with a login word near, so that only the trap decides */
    const char *traps[] = {
        "Forgot your password? Reset your password here to regain access to your account.",
        "Click to reset your password: https://accounts.example.net/reset?u=1",
        "Login: jroe, password: <password>",
        "Login: jroe, password: ********",
        "Login: jroe, password: \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2",
        "Login: jroe, password: changeme",
        "Login: jroe, password: xxxxxx",
        "Login: jroe, password: your_password",
        "Login: jroe, password: Password123",
        "Login: jroe, password: P@ssw0rd!",
        "Your account PIN code sent separately.",
        "Your account password is case-sensitive.",
        "Your account password is confidential and must never be shared.",
        "Account password: must contain 8 characters",
        "The user password is not stored.",
        "user password: (redacted)",
        "door code is 4821 for the account",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(traps); i++)
        expect_none(traps[i], traps[i]);
}
END_TEST

/* ---- high-entropy values ------------------------------------------ */

START_TEST(test_secret_values)
{
    GRand *g = g_rand_new();
    char *v = draw(g, UPPER LOWER DIGITS "+/", 40);
    char cls[5];
    class_set(v, cls);
    char *want = g_strdup_printf("secret len 40 classes %s", cls);
    char *msg = g_strdup_printf("{\n  \"client_id\": \"portal\",\n  \"client_secret\": \"%s\"\n}\n", v);
    scan_result r = detect(msg);
    expect_one(&r, "secret", 80, want, v);
    done(&r);
    g_free(msg);

    char *hex = draw(g, "0123456789abcdef", 32);
    msg = g_strdup_printf("STRIPE_API_KEY=%s\n", hex);
    class_set(hex, cls);
    g_free(want);
    want = g_strdup_printf("secret len 32 classes %s", cls);
    r = detect(msg);
    expect_one(&r, "secret", 80, want, hex);
    done(&r);
    g_free(msg);

    /* the bare word "key" needs a credential keyword near */
    msg = g_strdup_printf("signing key: %s\n", v);
    expect_none(msg, "bare key");
    g_free(msg);
    msg = g_strdup_printf("the webhook secret rotates monthly; signing key: %s\n", v);
    r = detect(msg);
    class_set(v, cls);
    g_free(want);
    want = g_strdup_printf("secret len 40 classes %s", cls);
    expect_one(&r, "secret", 80, want, v);
    done(&r);
    g_free(msg);

    /* a digest under a bare key is a checksum; under a secret's name it
     * is the secret */
    char *sha1 = draw(g, "0123456789abcdef", 40);
    msg = g_strdup_printf("/* key = %s */\ntoken = next_token();\n", sha1);
    expect_none(msg, "digest under a bare key");
    g_free(msg);
    msg = g_strdup_printf("client_secret = %s\n", sha1);
    class_set(sha1, cls);
    g_free(want);
    want = g_strdup_printf("secret len 40 classes %s", cls);
    r = detect(msg);
    expect_one(&r, "secret", 80, want, sha1);
    done(&r);
    g_free(msg);
    g_free(sha1);

    /* traps: base64 MIME-like blocks and DKIM-like tags without a key,
     * low entropy, placeholders */
    GString *blob = g_string_new("Content follows:\n");
    for (int i = 0; i < 12; i++) {
        char *l = draw(g, UPPER LOWER DIGITS "+/", 76);
        g_string_append_printf(blob, "%s\n", l);
        g_free(l);
    }
    expect_none(blob->str, "base64 blob");
    g_string_free(blob, TRUE);
    char *dk = g_strdup_printf("v=1; a=rsa-sha256; d=army.ml; s=sel; bh=%s; b=%s%s\n", v, v, hex);
    expect_none(dk, "dkim-like");
    g_free(dk);
    const char *traps[] = { "api_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "token: your_api_token_goes_here_ok\n",
                            "client_secret: abcdefabcdefabcdefabcdef\n", "secret = ${CLIENT_SECRET_FROM_VAULT}\n" };
    for (size_t i = 0; i < G_N_ELEMENTS(traps); i++)
        expect_none(traps[i], traps[i]);
    g_free(want), g_free(hex), g_free(v);
    g_rand_free(g);
}
END_TEST

/* ---- the whole path ----------------------------------------------- */


/* A scan of an mbox to a typo-domain recipient stores the credentials
 * as findings, rolls the message up to S1, and leaves no secret byte in
 * any database file. */
START_TEST(test_scan_keeps_no_secret)
{
    GRand *g = g_rand_new();
    char *dir = tl_test_tmpdir();
    char *tail = draw(g, UPPER "234567", 16), *aws = g_strconcat("AKIA", tail, NULL);
    char *pw = draw(g, UPPER LOWER DIGITS, 11), *pwt = g_strconcat(pw, "%", NULL);
    char *r36 = draw(g, UPPER LOWER DIGITS, 36), *gh = g_strconcat("ghp_", r36, NULL);
    char *body = pem_body(g, 10), *line = g_strndup(body, 64);
    char *mbox = g_strdup_printf(
        "From a@example.org Mon May  1 10:00:00 2023\n"
        "From: it@example.org\nTo: john.doe@army.ml\nSubject: access\n\n"
        "Username: jdoe\nPassword: %s\nAWS key %s\nGitHub %s\n"
        "-----BEGIN OPENSSH PRIVATE KEY-----\n%s-----END OPENSSH PRIVATE KEY-----\n\n",
        pwt, aws, gh, body);
    char *path = g_build_filename(dir, "leak.mbox", NULL);
    tl_test_write_str(path, mbox);
    char *db = g_build_filename(dir, "cred.db", NULL);
    tl_scan_options o;
    tl_scan_options_init(&o);
    o.db_path = db;
    o.jobs = 2;
    const char *paths[] = { path };
    char *err = NULL;
    ck_assert_int_eq(tl_scan(&o, paths, 1, NULL, &err), TL_OK);
    char *rows = tl_test_rows(db, "SELECT detector, level FROM findings ORDER BY part_offset");
    ck_assert_str_eq(rows, "password|HIGH\naws-key|HIGH\ngithub-token|HIGH\nprivate-key|HIGH");
    g_free(rows);
    char *roll = tl_test_rows(db, "SELECT categories, severity FROM messages");
    ck_assert_str_eq(roll, "CRED.SECRET|S1");
    g_free(roll);
    const char *planted[] = { pwt, aws, tail, gh, r36, line };
    for (size_t i = 0; i < G_N_ELEMENTS(planted); i++)
        ck_assert_msg(!tl_test_db_holds(db, planted[i]), "planted secret %zu found in the database", i);
    g_free(db), g_free(path), g_free(mbox), g_free(body), g_free(line);
    g_free(r36), g_free(gh), g_free(pw), g_free(pwt), g_free(tail), g_free(aws);
    tl_test_rmtree(dir);
    g_free(dir);
    g_rand_free(g);
}
END_TEST

Suite *
suite_cred(void)
{
    Suite *s = suite_create("cred");
    TCase *tc = tcase_create("credentials");
    tcase_add_test(tc, test_private_keys);
    tcase_add_test(tc, test_aws);
    tcase_add_test(tc, test_jwt);
    tcase_add_test(tc, test_prefixed_tokens);
    tcase_add_test(tc, test_url_and_header);
    tcase_add_test(tc, test_password_prose);
    tcase_add_test(tc, test_password_traps);
    tcase_add_test(tc, test_secret_values);
    tcase_add_test(tc, test_scan_keeps_no_secret);
    suite_add_tcase(s, tc);
    return s;
}
