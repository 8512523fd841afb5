#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "table.h"

struct ov_table {
	size_t ncols, nrows, cap;
	char **titles;
	bool *right;
	char ***rows;
};

static char *
xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

struct ov_table *
ov_table_new(const char *const *titles)
{
	struct ov_table *t = calloc(1, sizeof *t);

	if (t == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	while (titles[t->ncols] != NULL)
		t->ncols++;
	t->titles = calloc(t->ncols, sizeof *t->titles);
	t->right = calloc(t->ncols, sizeof *t->right);
	if (t->titles == NULL || t->right == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	for (size_t i = 0; i < t->ncols; i++) {
		t->right[i] = titles[i][0] == '>';
		t->titles[i] = xstrdup(titles[i] + t->right[i]);
	}
	return t;
}

void
ov_table_add(struct ov_table *t, const char *const *cells)
{
	char **row;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
		if (t->rows == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
	}
	row = calloc(t->ncols, sizeof *row);
	if (row == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	for (size_t i = 0; i < t->ncols; i++)
		row[i] = xstrdup(cells[i]);
	t->rows[t->nrows++] = row;
}

/* Width in terminal columns, counting each UTF-8 character as one,
 * control characters included, since put_cell() shows each as '?'. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Prints a cell with control characters replaced, C0, DEL and the C1
 * range U+0080-U+009F (UTF-8 C2 80 to C2 9F) alike, so that a hostile value
 * cannot move the cursor or change colours. */
static void
put_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f) {
			fputc('?', f);
			s++;
		} else {
			fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
		}
	}
}

/* Colour of a cell that is one of the toolkit's state words, or NULL. */
static const char *
state_color(const char *s)
{
	static const char *const red[] = { "breached", "critical", "down",
		"failed", "firing", NULL };
	static const char *const yellow[] = { "at_risk", "pending", "paused",
		"reopened", NULL };
	static const char *const green[] = { "met", "resolved", "closed", "up",
		NULL };

	for (int i = 0; red[i] != NULL; i++)
		if (strcmp(s, red[i]) == 0)
			return "\033[31m";
	for (int i = 0; yellow[i] != NULL; i++)
		if (strcmp(s, yellow[i]) == 0)
			return "\033[33m";
	for (int i = 0; green[i] != NULL; i++)
		if (strcmp(s, green[i]) == 0)
			return "\033[32m";
	return NULL;
}

static void
pad(FILE *f, size_t n)
{
	while (n-- > 0)
		fputc(' ', f);
}

void
ov_table_print(struct ov_table *t, FILE *f)
{
	size_t *w = calloc(t->ncols, sizeof *w);
	bool color = ov_color(f);

	if (w == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = width(t->titles[c]);
		for (size_t r = 0; r < t->nrows; r++)
			if (width(t->rows[r][c]) > w[c])
				w[c] = width(t->rows[r][c]);
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		char **cells = r == 0 ? t->titles : t->rows[r - 1];

		if (r == 0 && color)
			fputs("\033[1m", f);
		for (size_t c = 0; c < t->ncols; c++) {
			size_t gap = w[c] - width(cells[c]);
			bool last = c + 1 == t->ncols;

			const char *paint = color && r > 0 ?
			    state_color(cells[c]) : NULL;

			if (t->right[c])
				pad(f, gap);
			if (paint != NULL)
				fputs(paint, f);
			put_cell(f, cells[c]);
			if (paint != NULL)
				fputs("\033[0m", f);
			if (!t->right[c] && !last)
				pad(f, gap);
			if (!last)
				fputs("  ", f);
		}
		if (r == 0 && color)
			fputs("\033[0m", f);
		fputc('\n', f);
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	for (size_t c = 0; c < t->ncols; c++)
		free(t->titles[c]);
	free(t->rows);
	free(t->titles);
	free(t->right);
	free(t);
	free(w);
}

bool
ov_color(FILE *f)
{
	const char *term = getenv("TERM");
	const char *no = getenv("NO_COLOR");

	if (no != NULL && *no != '\0')
		return false;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}

bool
ov_stdout_is_terminal(void)
{
	return isatty(STDOUT_FILENO);
}
