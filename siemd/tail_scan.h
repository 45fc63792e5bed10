/*
 * The parent's side of file tails: it scans the configured
 * directories, opens matching regular files read-only and hands their
 * descriptors to ingest with the offset the store committed.
 */

#ifndef SIEMD_TAIL_SCAN_H
#define SIEMD_TAIL_SCAN_H

#define TAIL_SCAN_INTERVAL	2	/* seconds */
#define TAIL_MAX_DEPTH		16	/* directory levels below a tail */
#define TAIL_MAX_FILES		4096	/* open files across all tails */

struct siemd_conf;
struct file_registered;

void	 tails_start(struct siemd_conf *);
void	 tails_scan(void);
void	 tails_registered(const struct file_registered *);
int	 tails_count(void);

#endif /* SIEMD_TAIL_SCAN_H */
