/*
 * html.h - nmhost's HTML report (nmhost --html FILE): the same nm_report model the text and
 * JSON printers format (report.h), as one self-contained page for people: inline CSS, an
 * inline script that sorts the event tables, inline SVG charts, nothing fetched.
 */
#ifndef NMHOST_HTML_H
#define NMHOST_HTML_H

#include <stdio.h>
#include "report.h"

/* Writes the whole page to out. Returns 0, or -1 when writing failed (as the other
 * printers). Every expert-supplied string is HTML-escaped; none reaches the script. */
int nm_report_html(FILE *out, const nm_report *r);

#endif /* NMHOST_HTML_H */
