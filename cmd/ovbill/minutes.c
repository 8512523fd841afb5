/*
 * Minute maps: what the charging rules need to know about each minute of
 * one deployment's month, in about one byte per minute.
 *
 * A minute's summary (largest core count, first and last second sampled,
 * core count at the last second) is stored once in a per-map dictionary,
 * and the minute stores the summary's number: 0 for no sample, else 1 + its
 * index.  Scraped data is expected to repeat a few summaries (one sample a
 * minute at about the same second, a handful of cluster sizes), so the
 * numbers fit in one byte.  The array widens to 2 bytes per minute when a
 * map needs more than 255 summaries (and to 4 beyond 65,535, which the
 * compaction below keeps out of reach for a month).  Summaries replaced
 * by later samples are dropped by a compaction once the dictionary
 * outgrows the map, so memory is bounded by the number of minutes, not of
 * samples.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ovbill.h"

struct minute_map {
	int32_t minutes;
	int width;		/* bytes per minute: 1, 2 or 4 */
	void *numbers;
	struct summary *dict;
	uint32_t ndict, dict_cap;
	uint32_t *slots;	/* open addressing: 1 + dictionary index */
	uint32_t nslots;	/* a power of 2, at least 2 × ndict */
};

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		ov_die(OV_EXIT_RESOURCE, "out of memory");
	return p;
}

struct minute_map *
map_new(int32_t minutes)
{
	struct minute_map *m = xcalloc(1, sizeof *m);

	m->minutes = minutes;
	m->width = 1;
	m->numbers = xcalloc((size_t)minutes, 1);
	return m;
}

static uint32_t
number_at(const struct minute_map *m, int32_t i)
{
	switch (m->width) {
	case 1:
		return ((const uint8_t *)m->numbers)[i];
	case 2:
		return ((const uint16_t *)m->numbers)[i];
	default:
		return ((const uint32_t *)m->numbers)[i];
	}
}

static void
widen(struct minute_map *m, int width)
{
	void *wider = xcalloc((size_t)m->minutes, (size_t)width);

	for (int32_t i = 0; i < m->minutes; i++) {
		uint32_t k = number_at(m, i);

		if (width == 2)
			((uint16_t *)wider)[i] = (uint16_t)k;
		else
			((uint32_t *)wider)[i] = k;
	}
	free(m->numbers);
	m->numbers = wider;
	m->width = width;
}

static void
set_number(struct minute_map *m, int32_t i, uint32_t k)
{
	if (k > UINT16_MAX && m->width < 4)
		widen(m, 4);
	else if (k > UINT8_MAX && m->width < 2)
		widen(m, 2);
	switch (m->width) {
	case 1:
		((uint8_t *)m->numbers)[i] = (uint8_t)k;
		break;
	case 2:
		((uint16_t *)m->numbers)[i] = (uint16_t)k;
		break;
	default:
		((uint32_t *)m->numbers)[i] = k;
	}
}

static uint32_t
summary_hash(const struct summary *s)
{
	uint64_t h = (uint64_t)s->max * 0x9e3779b97f4a7c15ULL;

	h ^= ((uint64_t)s->last << 16 | (uint64_t)s->first_second << 8 |
	    s->last_second) * 0xc2b2ae3d27d4eb4fULL;
	return (uint32_t)(h >> 32);
}

static bool
summary_equal(const struct summary *a, const struct summary *b)
{
	return a->max == b->max && a->last == b->last &&
	    a->first_second == b->first_second &&
	    a->last_second == b->last_second;
}

static void
slots_rebuild(struct minute_map *m)
{
	uint32_t n = 64;

	while (n < 2 * m->dict_cap)
		n *= 2;
	free(m->slots);
	m->slots = xcalloc(n, sizeof *m->slots);
	m->nslots = n;
	for (uint32_t j = 0; j < m->ndict; j++) {
		uint32_t k = summary_hash(&m->dict[j]) & (n - 1);

		while (m->slots[k] != 0)
			k = (k + 1) & (n - 1);
		m->slots[k] = j + 1;
	}
}

/*
 * Drops the summaries no minute uses any more and renumbers the minutes.
 * Called when the dictionary is larger than the map, which only input
 * with many samples per minute in shuffled order can cause.
 */
static void
compact(struct minute_map *m)
{
	uint32_t *renumber = xcalloc((size_t)m->ndict + 1, sizeof *renumber);
	uint32_t live = 0;

	for (int32_t i = 0; i < m->minutes; i++) {
		uint32_t k = number_at(m, i);

		if (k != 0 && renumber[k] == 0) {
			m->dict[live] = m->dict[k - 1];
			renumber[k] = ++live;
		}
		if (k != 0)
			set_number(m, i, renumber[k]);
	}
	m->ndict = live;
	free(renumber);
	slots_rebuild(m);
}

/* Returns the number of a summary, adding it to the dictionary if new. */
static uint32_t
intern(struct minute_map *m, const struct summary *s)
{
	uint32_t k;

	if (m->nslots > 0) {
		k = summary_hash(s) & (m->nslots - 1);
		for (; m->slots[k] != 0; k = (k + 1) & (m->nslots - 1))
			if (summary_equal(&m->dict[m->slots[k] - 1], s))
				return m->slots[k];
	}
	if (m->ndict == m->dict_cap) {
		m->dict_cap = m->dict_cap ? m->dict_cap * 2 : 16;
		m->dict = realloc(m->dict, m->dict_cap * sizeof *m->dict);
		if (m->dict == NULL)
			ov_die(OV_EXIT_RESOURCE, "out of memory");
		slots_rebuild(m);
	}
	m->dict[m->ndict++] = *s;
	k = summary_hash(s) & (m->nslots - 1);
	while (m->slots[k] != 0)
		k = (k + 1) & (m->nslots - 1);
	m->slots[k] = m->ndict;
	return m->ndict;
}

/* Merges a sample into a summary; the result does not depend on the order
 * in which samples arrive. */
static void
summary_add(struct summary *s, int second, uint32_t cores)
{
	if (cores > s->max)
		s->max = cores;
	if (second < s->first_second)
		s->first_second = (uint8_t)second;
	if (second > s->last_second) {
		s->last_second = (uint8_t)second;
		s->last = cores;
	} else if (second == s->last_second && cores > s->last)
		s->last = cores;
}

void
map_add(struct minute_map *m, int32_t i, int second, uint32_t cores)
{
	uint32_t k = number_at(m, i);
	struct summary s;

	if (k == 0) {
		s.max = s.last = cores;
		s.first_second = s.last_second = (uint8_t)second;
	} else {
		s = m->dict[k - 1];
		summary_add(&s, second, cores);
		if (summary_equal(&s, &m->dict[k - 1]))
			return;		/* a duplicate or a smaller sample */
	}
	if (m->ndict >= (uint32_t)m->minutes + 1024)
		compact(m);
	set_number(m, i, intern(m, &s));
}

bool
map_get(const struct minute_map *m, int32_t i, struct summary *out)
{
	uint32_t k = number_at(m, i);

	if (k == 0)
		return false;
	*out = m->dict[k - 1];
	return true;
}

void
map_free(struct minute_map *m)
{
	if (m == NULL)
		return;
	free(m->numbers);
	free(m->dict);
	free(m->slots);
	free(m);
}
