/*
 * typo.h - what the pipeline asks of the typo engine beyond the public
 * header (which has the checks and verdicts): preparing its tables before
 * worker threads start, and the default lists compiled in.
 */
#ifndef TL_TYPO_H
#define TL_TYPO_H

#include "scanner/base.h"

/* Builds the typo engine's tables now (the first check would otherwise):
 * called before worker threads start, so that they only read them. */
void tl_protect_prepare(const tl_protect *p);

/* The default protected list and allowlist (data/, compiled in). */
extern const char tl_default_protected[];
extern const char tl_default_allowlist[];

#endif /* TL_TYPO_H */
