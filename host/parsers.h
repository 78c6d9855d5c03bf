/*
 * parsers.h - nmhost's plug-in parser options (README "Loading parsers"): --parser FILE
 * (repeatable), --handoff-ini FILE (repeatable), --parser-timeout MS, and the parsers folders: "parsers\"
 * beside nmhost.exe and the folders in NMSHIM_PARSERS (';'-separated). All are loaded
 * through nmapi.dll (NmShimLoadHandoffIni, NmShimLoadParser) before any expert runs.
 */
#ifndef NMHOST_PARSERS_H
#define NMHOST_PARSERS_H

#include <windows.h>
#include "report.h"

struct nm_parser_opts {
    int          nparsers, ninis;
    const char **parsers;       /* --parser, in command-line order */
    const char **inis;          /* --handoff-ini */
    const char  *timeout;       /* --parser-timeout MS as given (checked), or NULL */
};

/* Takes argv[*i] when it is one of the options (moving *i past its value): 1; 0 when it
 * is not one; -1 after a usage error was printed. */
int nm_parser_opts_parse(struct nm_parser_opts *p, int argc, char **argv, int *i);
/* Loads the INI files, then the folders' DLLs, then the --parser DLLs. FALSE (message
 * printed) when one of them cannot be loaded: bad usage or unreadable input, exit 2. */
BOOL nm_parsers_load(const struct nm_parser_opts *p);
/* Appends the options an --isolate child needs to load the same parsers (the folders it
 * finds itself); returns the new count, never past max. */
int nm_parsers_extra(const struct nm_parser_opts *p, const char **extra, int n, int max);
/* What nmapi says about every loaded parser, into the report (freed by the caller). */
void nm_parsers_collect(nm_report *r);

#endif /* NMHOST_PARSERS_H */
