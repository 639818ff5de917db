/* check_contact.c - placeholder while the detector family is written */
#include "tl_test.h"

Suite *
suite_contact(void)
{
    return suite_create("contact");
}
