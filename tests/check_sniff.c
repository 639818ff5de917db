/*
 * check_sniff.c - containers are recognised by content, not by name.
 */
#include <string.h>

#include "tl_test.h"

static tl_kind_t
sniff(const char *s, size_t *skip)
{
    size_t k;
    tl_kind_t r = tl_sniff((const uint8_t *)s, strlen(s), skip ? skip : &k);
    return r;
}

START_TEST(test_mail_kinds)
{
    size_t skip = 99;
    ck_assert_int_eq(sniff("From a@b Mon Jan  1 00:00:00 2001\nFrom: a@b\nTo: c@d\n\nhi\n", &skip), TL_KIND_MBOX);
    ck_assert_int_eq(skip, 0);
    ck_assert_int_eq(sniff("From - \nX-Mozilla-Status: 0001\nSubject: x\n\n", NULL), TL_KIND_MBOX);
    ck_assert_int_eq(sniff("From \"a@b\" Mon Apr 26 20:52:54 2021\nReturn-Path: <a@b>\n\n", NULL), TL_KIND_MBOX);
    ck_assert_int_eq(sniff("\xEF\xBB\xBF" "From x\nSubject: y\n\n", &skip), TL_KIND_MBOX);
    ck_assert_int_eq(skip, 3);
    ck_assert_int_eq(sniff("Received: from x by y; Mon, 1 Jan 2001\nFrom: a@b\n\nbody\n", NULL), TL_KIND_MESSAGE);
    ck_assert_int_eq(sniff("Subject: only a subject\r\n\r\nbody\r\n", NULL), TL_KIND_MESSAGE);
    ck_assert_int_eq(sniff("497      \nSubject: Re: Emlx library\nMime-Version: 1.0\n\n", NULL), TL_KIND_EMLX);
    /* Envelope line and no header at all (tika's simple.mbox). */
    ck_assert_int_eq(sniff("From envelope-sender Mon Jun 01 10:00:00 2009\n\nTest content\n", NULL), TL_KIND_MBOX);
    /* Two lines of something else, then an mbox (GMime's golden files). */
    ck_assert_int_eq(sniff("message offsets: 0, 526\nheader offsets: 8, 216\nFrom - \nFrom: a@b\n\nx\n", NULL),
                     TL_KIND_MBOX);
}
END_TEST

START_TEST(test_not_mail)
{
    ck_assert_int_eq(sniff("Send Ppp mailing list submissions to\n\tppp@zzz.org\n", NULL), TL_KIND_UNKNOWN);
    /* A "Key: value" file with no mail header is not a message. */
    ck_assert_int_eq(sniff("name: demo\nversion: 2\n\n", NULL), TL_KIND_UNKNOWN);
    /* "From " prose is not an mbox unless a header line follows. */
    ck_assert_int_eq(sniff("From the desk of the editor\nDear reader,\n", NULL), TL_KIND_UNKNOWN);
    ck_assert_int_eq(sniff("%PDF-1.4\n", NULL), TL_KIND_UNKNOWN);
    /* A tar header (with NULs) before an mbox member is not a preamble. */
    ck_assert_int_eq(tl_sniff((const uint8_t *)"mail/inbox.mbox\0\0\0\nFrom a Mon Jan  2 10:00:00 2023\nSubject: x\n\n",
                              50, &(size_t){ 0 }), TL_KIND_UNKNOWN);
    ck_assert_int_eq(sniff("HELO example.com\nMAIL FROM:<a@b>\n", NULL), TL_KIND_BSMTP);
    ck_assert_int_eq(tl_sniff((const uint8_t *)"", 0, &(size_t){ 0 }), TL_KIND_EMPTY);
}
END_TEST

START_TEST(test_store_magic)
{
    size_t k;
    ck_assert_int_eq(tl_sniff((const uint8_t *)"!BDNxxxxxxxx", 12, &k), TL_KIND_PST);
    ck_assert_int_eq(tl_sniff((const uint8_t *)"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....", 12, &k), TL_KIND_OLE_OTHER);
    static const char msg[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....R\0o\0o\0t\0"
                              "_\0_\0s\0u\0b\0s\0t\0g\0" "1\0.\0" "0\0_\0" "0\0" "0\0";
    ck_assert_int_eq(tl_sniff((const uint8_t *)msg, sizeof msg - 1, &k), TL_KIND_OLE);
    ck_assert_int_eq(tl_sniff((const uint8_t *)"\xCF\xAD\x12\xFE....", 8, &k), TL_KIND_DBX);
    /* TNEF (winmail.dat): signature 0x223E9F78, then a key. */
    ck_assert_int_eq(tl_sniff((const uint8_t *)"\x78\x9F\x3E\x22\x01\x02\x01", 7, &k), TL_KIND_TNEF);
    ck_assert_str_eq(tl_kind_name(TL_KIND_TNEF), "tnef");
    ck_assert_str_eq(tl_kind_name(TL_KIND_PST), "pst");
    ck_assert_str_eq(tl_kind_name(TL_KIND_UNKNOWN), "other");
}
END_TEST

Suite *
suite_sniff(void)
{
    Suite *s = suite_create("sniff");
    TCase *tc = tcase_create("kinds");
    tcase_add_test(tc, test_mail_kinds);
    tcase_add_test(tc, test_not_mail);
    tcase_add_test(tc, test_store_magic);
    suite_add_tcase(s, tc);
    return s;
}
