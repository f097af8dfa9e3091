/*
 * code.h - how much of a preprocessed text is the job's own code: its
 * bytes outside system headers.  An optimising compile spends its time on
 * the code it generates, not on the declarations system headers bring,
 * so the agent guesses a file's compile time from this count when it has
 * no history of the file (place_code_cost in agent/place.h).  The
 * wrapper counts while the text is in its hands and sends the count to
 * its agent (CODE, doc/client.md); no server sees it.
 */
#ifndef CCPOOL_CODE_H
#define CCPOOL_CODE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The bytes of text (len bytes, any content) on lines that come from a
 * file other than a system header.  The preprocessor's line markers
 * (`# N "file" flags`, and `#line N "file"`) say where the lines after
 * them come from: flag 3 marks a system header, and a name in angle
 * brackets (`<built-in>`, `<command-line>`) is none of the job's code.
 * Marker lines are not counted; text before any marker is.  A line that
 * only looks like a marker (no quoted name) is text.
 */
uint64_t code_bytes(const char *text, size_t len);

#endif
