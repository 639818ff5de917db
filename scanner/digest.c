/*
 * digest.c - SHA-256 through libcrypto's EVP interface.
 *
 * Every message and every container is hashed, so the digest sits on the hot
 * path: OpenSSL uses the CPU's SHA extensions and runs about 4 to 5 times
 * faster than GLib's GChecksum here (research/performance.md).
 */
#include <openssl/evp.h>

#include "tl_internal.h"

struct tl_sha256 {
    EVP_MD_CTX *ctx;
};

static void
to_hex(const unsigned char *md, unsigned n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * n] = '\0';
}

void
tl_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
        g_error("EVP_Digest(sha256) failed");
    to_hex(md, n, out);
}

tl_sha256 *
tl_sha256_new(void)
{
    tl_sha256 *h = g_new0(tl_sha256, 1);
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL))
        g_error("EVP_DigestInit_ex(sha256) failed");
    return h;
}

void
tl_sha256_update(tl_sha256 *h, const void *data, size_t len)
{
    if (len && !EVP_DigestUpdate(h->ctx, data, len))
        g_error("EVP_DigestUpdate failed");
}

void
tl_sha256_finish(tl_sha256 *h, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!EVP_DigestFinal_ex(h->ctx, md, &n) || n != 32)
        g_error("EVP_DigestFinal_ex failed");
    to_hex(md, n, out);
    EVP_MD_CTX_free(h->ctx);
    g_free(h);
}
