/*
 * Sources configured with "silent after": the parent watches ingest's
 * per-source counters and has correlate raise an alert when one stops.
 */

#ifndef SIEMD_SILENCE_H
#define SIEMD_SILENCE_H

struct siemd_conf;

void	 silence_init(struct siemd_conf *);
void	 silence_check(void);

#endif /* SIEMD_SILENCE_H */
