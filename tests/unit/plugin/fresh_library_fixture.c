// SPDX-License-Identifier: GPL-2.0-only
// A tiny shared object built twice with different FIXTURE_VERSION values, so the test can
// tell which build of the same file name a dlopen actually loaded.
#ifndef FIXTURE_VERSION
#error "build with -DFIXTURE_VERSION=<n>"
#endif

#define FIXTURE_TEXT_(value) #value
#define FIXTURE_TEXT(value) FIXTURE_TEXT_(value)

int fresh_fixture_version(void);
const char *fresh_fixture_version_text(void);

int fresh_fixture_version(void) { return FIXTURE_VERSION; }

const char *fresh_fixture_version_text(void) { return "fixture version " FIXTURE_TEXT(FIXTURE_VERSION); }
