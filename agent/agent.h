/*
 * agent.h - the per-user agent (`ccpool --agent`): keeps the live host
 * table and persistent server connections, places and forwards the
 * wrappers' jobs.  See doc/client.md.
 */
#ifndef CCPOOL_AGENT_H
#define CCPOOL_AGENT_H

#define AGENT_IDLE_DEFAULT	600	/* seconds; CCPOOL_AGENT_IDLE */
#define AGENT_COLD_MS		1000	/* cold start: wait for discovery */
#define AGENT_MAX_TRIES		3	/* servers tried per job */
#define AGENT_CONN_IDLE		60	/* seconds an unused connection lives */

/* Run the agent until idle.  Returns the process exit status. */
int	agent_main(void);

/* `ccpool id|forget|ca ...` with argv[0] the command (idcmd.c). */
int	idcmd_main(int argc, char *argv[]);

/* `ccpool trust ...` with argv[0] the command (trustcmd.c). */
int	trustcmd_main(int argc, char *argv[]);

#endif
