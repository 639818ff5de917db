/*
 * validate.h - validators, masks and keyed hashes of the detector
 * families (validate.c): checksums and range rules, never a look-up.
 */
#ifndef TL_VALIDATE_H
#define TL_VALIDATE_H

#include <glib.h>
#include <stddef.h>

/* ------------------------------------------------------------------ */
/* Validators, masks and keyed hashes of the detectors (validate.c)    */
/* ------------------------------------------------------------------ */

/* Copies the ASCII digits of s[0..n) into out (NUL-terminated); 0 when
 * they do not fit in cap. */
size_t tl_digits_of(const char *s, size_t n, char *out, size_t cap);
int tl_luhn_ok(const char *digits, size_t n);

typedef enum {
    TL_PAN_NONE, TL_PAN_VISA, TL_PAN_MASTERCARD, TL_PAN_AMEX, TL_PAN_DISCOVER, TL_PAN_JCB,
    TL_PAN_DINERS, TL_PAN_UNIONPAY, TL_PAN_MAESTRO, TL_PAN_MIR, TL_PAN_RUPAY
} tl_pan_brand;
/* The card brand whose IIN range and length the digits fit, or NONE. */
tl_pan_brand tl_pan_brand_of(const char *digits, size_t n);
const char *tl_pan_brand_name(tl_pan_brand b);
/* 1 for digit runs that are Luhn-valid by construction (repeats, pairs,
 * groups stepping by a constant). */
int tl_pan_noise(const char *digits, size_t n);
int tl_pan_is_test_number(const char *digits, size_t n);

typedef enum {
    TL_SSN_OK, TL_SSN_SHAPE, TL_SSN_AREA, TL_SSN_GROUP, TL_SSN_SERIAL, TL_SSN_CONSTRUCTED,
    TL_SSN_PUBLISHED
} tl_ssn_verdict;
/* Range rules of an SSN given as 9 digits. */
tl_ssn_verdict tl_ssn_check(const char *d9);
const char *tl_ssn_verdict_str(tl_ssn_verdict v);
/* Areas 734-749 and 773-899 were never issued before June 2011. */
int tl_ssn_area_unissued_pre2011(const char *d9);
int tl_itin_ok(const char *d9);
int tl_ein_ok(const char *d9);      /* an assigned IRS campus prefix */
int tl_aba_ok(const char *d9);      /* prefix ranges and the 3-7-1 checksum */

/* Upper case without spaces; 0 if anything but letters, digits and spaces. */
size_t tl_iban_normalise(const char *s, size_t n, char *out, size_t cap);
int tl_iban_ok(const char *s, size_t n);    /* country length and mod-97 */

/* ICAO 9303 check digit (weights 7-3-1), or -1 for a character outside
 * [0-9A-Z<]. */
int tl_mrz_check_digit(const char *s, size_t n);
/* 1 when line has the shape of a TD3 (passport) line 2; *checks_ok gets
 * how many of its five check digits hold. */
int tl_mrz_td3_line2(const char *line, size_t n, int *checks_ok);

/* Masks (research/sensitive-content.md section 7); g_free the result. */
char *tl_mask_ssn(const char *d9);                              /* ***-**-1234 */
char *tl_mask_ein(const char *d9);                              /* 12-***1234 */
char *tl_mask_pan(tl_pan_brand b, const char *digits, size_t n); /* VISA ****1234 */
char *tl_mask_iban(const char *normalised);                     /* DE89****3000 */
char *tl_mask_last(const char *value, size_t keep);             /* ******1234 */


#endif /* TL_VALIDATE_H */
