/*
 * ipcrules.c - the IPC rules of each ccpoold channel: who may send what,
 * and how long a message may be (server.h).  One table for the processes
 * and for tests/fuzz/fuzz_ipc.c, which includes this file.
 */
#include <string.h>

#include "server/server.h"

/* Frame overhead of a job beyond ZDTI and the ARGV bytes. */
#define JOB_FIXED	((uint64_t)10 * PROTO_HDRLEN + PROTO_TCID_MAX + \
			    PROTO_LANG_MAX + (uint64_t)2 * PROTO_PATH_MAX)

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

uint32_t
srv_job_msg_max(const struct proto_limits *lim)
{
	return clamp32((uint64_t)lim->max_input_z + lim->max_args_total +
	    (uint64_t)lim->max_argc * PROTO_HDRLEN + JOB_FIXED +
	    sizeof(struct ipc_job));
}

uint32_t
srv_result_msg_max(const struct proto_limits *lim)
{
	/* A result (8 frames) or a refusal (3 frames), whichever is more. */
	return clamp32((uint64_t)lim->max_output_z + lim->max_stdout +
	    lim->max_stderr + lim->max_deps + lim->max_msg +
	    (uint64_t)8 * PROTO_HDRLEN);
}

void
srv_ipc_rules(struct ipc_rules *r, enum srv_chan ch,
    const struct proto_limits *lim)
{
	memset(r, 0, sizeof(*r));
	switch (ch) {
	case SRV_PARENT_FROM_RUNNER:
		ipc_rule_fixed(r, IPC_TC, sizeof(struct ipc_tc));
		ipc_rule_fixed(r, IPC_TC_END, 0);
		ipc_rule_fixed(r, IPC_LOAD, sizeof(struct ipc_load));
		ipc_rule_fixed(r, IPC_DRAINED, 0);
		break;
	case SRV_PARENT_FROM_OTHER:
		break;
	case SRV_NET_FROM_PARENT:
		ipc_rule_var(r, IPC_CRL, IPC_CRL_MAX);
		/* FALLTHROUGH */
	case SRV_PUB_FROM_PARENT:
		ipc_rule_fixed(r, IPC_CONF, sizeof(struct srvconf));
		ipc_rule_fixed(r, IPC_SHUTDOWN, 0);
		ipc_rule_fixed(r, IPC_TC, sizeof(struct ipc_tc));
		ipc_rule_fixed(r, IPC_TC_END, 0);
		ipc_rule_fixed(r, IPC_LOAD, sizeof(struct ipc_load));
		break;
	case SRV_NET_FROM_RUNNER:
		ipc_rule_var(r, IPC_RESULT, srv_result_msg_max(lim));
		ipc_rule_fixed(r, IPC_JOBEV, sizeof(struct ipc_jobev));
		ipc_rule_fixed(r, IPC_PULL, sizeof(struct ipc_pull));
		break;
	case SRV_RUNNER_FROM_PARENT:
		ipc_rule_fixed(r, IPC_CONF, sizeof(struct srvconf));
		ipc_rule_fixed(r, IPC_SHUTDOWN, 0);
		break;
	case SRV_KAUTH_FROM_PARENT:
		ipc_rule_fixed(r, IPC_CONF, sizeof(struct srvconf));
		ipc_rule_fixed(r, IPC_SHUTDOWN, 0);
		break;
	case SRV_KAUTH_FROM_NET:
		ipc_rule_var(r, IPC_GSS_REQ, sizeof(struct ipc_gss_req) +
		    IPC_GSS_TOKEN_MAX);
		break;
	case SRV_NET_FROM_KAUTH:
		ipc_rule_var(r, IPC_GSS_RES, sizeof(struct ipc_gss_res) +
		    IPC_GSS_TOKEN_MAX);
		break;
	case SRV_RUNNER_FROM_NET:
		ipc_rule_var(r, IPC_JOB, srv_job_msg_max(lim));
		ipc_rule_fixed(r, IPC_CANCEL, 0);
		ipc_rule_fixed(r, IPC_OFFER, sizeof(struct ipc_offer));
		break;
	}
}
