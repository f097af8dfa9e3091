/*
 * areport.c - what the agent tells the user, in doc/client.md's words:
 * the notices that wait for the next wrapper (areport_notice, the
 * agent's notice callback), the host list of `ccpool --hosts`, why no
 * server takes a job, and where a job was compiled.  Text only: it reads
 * the host table and writes buffers; ajob.c sends them.  Every name and
 * reason that came from the network is escaped (log_escape).
 */
#include <stdio.h>
#include <string.h>

#include "agent/adcc.h"
#include "agent/agent_int.h"
#include "common/log.h"
#include "common/toolchain.h"

/*
 * tc_name() of id, with the hash digits that tell it from the other
 * toolchains of the hosts known; into buf (TC_NAME_MAX bytes).
 */
static const char *
tc_shown(const struct agent *a, const char *id, char *buf)
{
	size_t		 i;
	unsigned	 k;
	int		 d, digits = 0;

	for (i = 0; i < a->nhosts; i++)
		for (k = 0; k < a->hosts[i]->ntc; k++)
			if ((d = tc_name_digits(id, a->hosts[i]->tc[k])) >
			    digits)
				digits = d;
	return tc_name(id, digits, buf, TC_NAME_MAX);
}

const char *
areport_none_why(struct agent *a, const char *tcid, int waited, char *buf,
    size_t len)
{
	struct ahost	*h, *down = NULL;
	uint64_t	 now = mono_ms();
	size_t		 i, have = 0, up = 0;
	char		 tcn[TC_NAME_MAX], fortc[TC_NAME_MAX + 8], note[200];
	char		 name[200];

	fortc[0] = '\0';
	if (tcid != NULL)
		snprintf(fortc, sizeof(fortc), " for %s", tc_shown(a, tcid,
		    tcn));
	for (i = 0; i < a->nhosts; i++) {
		h = a->hosts[i];
		if (h->gone || (tcid != NULL && !aplace_has_tc(h, tcid)))
			continue;
		have++;
		if (h->untrusted[0] != '\0')
			continue;
		if (h->needprobe || h->nss == 0 || !place_up(&h->bo, now)) {
			if (down == NULL)
				down = h;
			continue;
		}
		up++;
	}
	atrust_note(a, note, sizeof(note));
	if (have == 0 && (tcid == NULL || a->nhosts == 0))
		snprintf(buf, len, "no server found%s", a->pinned ?
		    " in CCPOOL_HOSTS" : "");
	else if (have == 0)
		snprintf(buf, len, "no server has %s%s", tcn, note);
	else if (up == 0 && down != NULL) {
		log_escape(name, sizeof(name), down->name, strlen(down->name));
		snprintf(buf, len, "no server up%s (%s: %s)%s", fortc, name,
		    down->lasterr[0] != '\0' ? down->lasterr : "down", note);
	} else if (up == 0)
		snprintf(buf, len, "no trusted server%s%s", fortc, note);
	else
		snprintf(buf, len, "no server with a free slot%s%s%s", fortc,
		    waited ? " (waited 30 s)" : "", note);
	return buf;
}

void
areport_notice(struct agent *a, const char *text)
{
	if (a->nnotes == AGENT_NOTES_MAX) {
		a->notes_lost++;
		return;
	}
	snprintf(a->notes[a->nnotes++], AGENT_NOTE_LEN, "%s", text);
}

int
areport_put_notices(struct agent *a, struct proto_buf *b)
{
	char	 line[AGENT_NOTE_LEN], path[sizeof(a->sockpath)];
	size_t	 n;
	unsigned i;

	for (i = 0; i < a->nnotes; i++)
		if (proto_put_payload(b, "MSG_", a->notes[i],
		    strlen(a->notes[i])) == -1)
			return -1;
	if (a->notes_lost > 0) {
		/* our log: the socket's name, .log for .sock */
		snprintf(path, sizeof(path), "%s", a->sockpath);
		if ((n = strlen(path)) > 5 && strcmp(path + n - 5, ".sock") == 0)
			snprintf(path + n - 5, sizeof(path) - n + 5, ".log");
		snprintf(line, sizeof(line), "WARNING: %u more server warnings "
		    "in %s", a->notes_lost, path);
		if (proto_put_payload(b, "MSG_", line, strlen(line)) == -1)
			return -1;
	}
	a->nnotes = a->notes_lost = 0;
	return 0;
}

/*
 * The line of host h in `ccpool --hosts`, into line (len bytes): tab
 * separated name, address, state, slots, queue, free slots, our jobs
 * there, done, failed, toolchains, the last error; escaped fields hold
 * no tab.
 */
static void
host_line(struct agent *a, struct ahost *h, uint64_t now, char *line,
    size_t len)
{
	char		 name[200], tcs[480], esc[320], tcn[TC_NAME_MAX];
	const char	*state;
	size_t		 used;
	unsigned	 k;

	log_escape(name, sizeof(name), h->name, strlen(h->name));
	tcs[0] = '\0';
	for (k = 0, used = 0; k < h->ntc && used < sizeof(tcs); k++)
		used += (size_t)snprintf(tcs + used, sizeof(tcs) - used,
		    "%s%s", k ? ", " : "", tc_shown(a, h->tc[k], tcn));
	if (h->pinned && h->ntc == 0)
		snprintf(tcs, sizeof(tcs), "*");
	if (h->gone)
		state = "gone";
	else if (h->asking)
		state = "new";	/* CCPOOL_TRUST=explicit */
	else if (h->untrusted[0] != '\0')
		state = "UNTRUSTED";
	else if (!place_up(&h->bo, now))
		state = "down";
	else
		state = "up";
	if (h->untrusted[0] != '\0')
		log_escape(esc, sizeof(esc), h->untrusted,
		    strlen(h->untrusted));
	else
		log_escape(esc, sizeof(esc), h->lasterr, strlen(h->lasterr));
	if (esc[0] == '\0' && h->krb[0] != '\0')	/* checked: printable */
		snprintf(esc, sizeof(esc), "kerberos %.200s", h->krb);
	if (h->dcc != NULL)	/* plaintext, unauthenticated: say so */
		adcc_report(h, tcs, sizeof(tcs), esc, sizeof(esc));
	snprintf(line, len, "%s\t%s\t%s\t%u\t%u\t%u\t%u\t%lu\t%lu\t%s\t%s",
	    name, h->where[0] ? h->where : "-", state, h->slots, h->queue,
	    h->free_slots, h->inflight, h->ndone, h->nfail, tcs[0] ? tcs : "-",
	    esc[0] ? esc : "-");
}

int
areport_hosts(struct agent *a, struct proto_buf *b)
{
	char		 line[1024];
	uint64_t	 now = mono_ms();
	size_t		 i;

	for (i = 0; i < a->nhosts; i++) {
		host_line(a, a->hosts[i], now, line, sizeof(line));
		if (proto_put_payload(b, "MSG_", line, strlen(line)) == -1)
			return -1;
	}
	return 0;
}

const char *
areport_where(const struct ahost *h, const struct ahost *prev, char *buf,
    size_t len)
{
	char		 where[(size_t)DISC_NAME_MAX * 4 + sizeof(h->where) + 8];
	char		 name[DISC_NAME_MAX * 4], pname[200];

	log_escape(name, sizeof(name), h->name, strlen(h->name));
	if (strcmp(name, h->where) == 0)	/* CCPOOL_HOSTS by address */
		snprintf(where, sizeof(where), "%s", name);
	else
		snprintf(where, sizeof(where), "%s (%s)", name, h->where);
	/* the place, a tab, the reason (doc/client.md's words) */
	if (prev != NULL && prev != h) {
		log_escape(pname, sizeof(pname), prev->name,
		    strlen(prev->name));
		snprintf(buf, len, "%s\twould finish first (resent after "
		    "%.60s: %.150s)", where, pname, prev->lasterr[0] != '\0' ?
		    prev->lasterr : "failed");
	} else
		snprintf(buf, len, "%s\twould finish first", where);
	return buf;
}
