/*
 * Key filters: which values of src_ip, user_id and request_id a run of
 * KF_CHUNK event ids may hold, as a Bloom filter.
 *
 * The partition being written has no B-tree index on those fields:
 * their values are random, and each of their index entries lands on a
 * page of its own, which cost the writer a third of its rate.  Its
 * writer records a key filter per chunk of ids instead (table
 * keyfilter), and a search on such a field reads only the chunks whose
 * filter may hold the value.  The indices are built when the partition
 * is closed (store_seal.c).
 *
 * A filter never misses a value it was given; it says "maybe" for
 * about one value in a hundred it was not given.
 */

#ifndef KEYFILTER_H
#define KEYFILTER_H

#include <stddef.h>
#include <stdint.h>

#define KF_CHUNK	16384	/* ids a filter covers */

enum kf_field {
	KF_SRC_IP,
	KF_USER_ID,
	KF_REQUEST_ID,
	KF_FIELDS
};

/* The hash of a value of a field (the same in the store and queries). */
uint64_t	 kf_hash(enum kf_field, const char *, size_t);
/* A filter holding the n hashes (sorted in place); its length in *len. */
uint8_t		*kf_build(uint64_t *, size_t, size_t *);
/* May the filter hold the hash?  A malformed filter says yes. */
int		 kf_maybe(const uint8_t *, size_t, uint64_t);

#endif
