/*
 * The control socket: a root-only AF_UNIX socket where siemctl asks
 * the parent for status and gives it commands.
 */

#ifndef SIEMD_CONTROL_H
#define SIEMD_CONTROL_H

#include <stdio.h>

#define CONTROL_MAX_CONNS	16

int	 control_init(const char *);
void	 control_cleanup(void);
void	 control_print_listening(FILE *);
char	*control_status_text(void);
char	*control_sources_text(void);
char	*control_rules_text(void);
char	*control_status_json(void);

#endif /* SIEMD_CONTROL_H */
