/* check_cred.c - placeholder while the detector family is written */
#include "tl_test.h"

Suite *
suite_cred(void)
{
    return suite_create("cred");
}
