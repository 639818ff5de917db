/*
 * build.c - the build (commit) id, given by the Makefile at build time
 * (git describe; "unknown" outside a git checkout).  Only this file is
 * rebuilt when the id changes.
 */
#include "scanner/typoleak.h"

#ifndef TL_BUILD_ID
#define TL_BUILD_ID "unknown"
#endif

const char *
tl_build_id(void)
{
    return TL_BUILD_ID;
}
