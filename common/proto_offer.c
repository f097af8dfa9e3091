/*
 * proto_offer.c - the late-binding messages of ccpool protocol version 2
 * (proto.h, doc/protocol.md "Offers"): the agent offers a job to a few
 * servers (OFFR TCID LANG SIZE), the first server with a free slot asks
 * for it (PULL FREE), the agent sends the job there and withdraws the
 * other offers (DROP).  Encoders and strict readers, one frame at a time,
 * with the validators proto_job.c uses.
 */
#include <string.h>

#include "common/err.h"
#include "common/proto.h"
#include "common/proto_msg.h"

int
proto_offer_check(const struct proto_offer *o, char *err, size_t errlen)
{
	if (o->id == 0) {
		err_set(err, errlen, "OFFR: job id 0");
		return -1;
	}
	if (proto_check_tcid((const uint8_t *)o->tcid, strlen(o->tcid), err,
	    errlen) == -1)
		return -1;
	if (proto_lang_name(o->lang) == NULL) {
		err_set(err, errlen, "LANG: unknown language");
		return -1;
	}
	return 0;
}

int
proto_offer_encode(const struct proto_offer *o, struct proto_buf *out,
    char *err, size_t errlen)
{
	size_t	 len = out->len;

	if (proto_offer_check(o, err, errlen) == -1)
		return -1;
	if (proto_put_value(out, "OFFR", o->id) == -1 ||
	    proto_put_str(out, "TCID", o->tcid) == -1 ||
	    proto_put_str(out, "LANG", proto_lang_name(o->lang)) == -1 ||
	    proto_put_value(out, "SIZE", o->size) == -1) {
		out->len = len;
		err_set(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
proto_offer_reader_init(struct proto_offer_reader *r)
{
	memset(r, 0, sizeof(*r));
}

int
proto_offer_feed(struct proto_offer_reader *r, const struct proto_frame *f,
    char *err, size_t errlen)
{
	static const char *const want[] = { "OFFR", "TCID", "LANG", "SIZE" };
	struct proto_offer *o = &r->o;

	if (r->state < 0 || r->state > 3) {
		err_set(err, errlen, "offer reader: already failed or done");
		return -1;
	}
	if (proto_expect(f, want[r->state], r->state == 1 || r->state == 2 ?
	    PROTO_PAYLOAD : PROTO_VALUE, err, errlen) == -1)
		goto fail;
	switch (r->state) {
	case 0:
		if (f->value == 0) {
			err_set(err, errlen, "OFFR: job id 0");
			goto fail;
		}
		o->id = f->value;
		break;
	case 1:
		if (proto_check_tcid(f->data, f->len, err, errlen) == -1)
			goto fail;
		memcpy(o->tcid, f->data, f->len);
		o->tcid[f->len] = '\0';
		break;
	case 2:
		if (proto_parse_lang(f->data, f->len, &o->lang) == -1) {
			err_set(err, errlen, "LANG: unknown language");
			goto fail;
		}
		break;
	case 3:
		o->size = f->value;
		r->state = 4;
		return PROTO_DONE;
	}
	r->state++;
	return PROTO_MORE;
fail:
	r->state = -1;
	return -1;
}

int
proto_pull_encode(const struct proto_pull *p, struct proto_buf *out)
{
	size_t	 len = out->len;
	uint32_t free = p->free_slots > 0xffff ? 0xffff : p->free_slots;
	uint32_t wait = p->waiting > 0xffff ? 0xffff : p->waiting;

	if (p->id == 0 || proto_put_value(out, "PULL", p->id) == -1 ||
	    proto_put_value(out, "FREE", free << 16 | wait) == -1) {
		out->len = len;
		return -1;
	}
	return 0;
}

int
proto_pull_feed(struct proto_pull *p, int *state, const struct proto_frame *f,
    char *err, size_t errlen)
{
	if (*state == 0) {
		if (proto_expect(f, "PULL", PROTO_VALUE, err, errlen) == -1)
			return -1;
		if (f->value == 0) {
			err_set(err, errlen, "PULL: job id 0");
			return -1;
		}
		p->id = f->value;
		*state = 1;
		return PROTO_MORE;
	}
	if (*state != 1) {
		err_set(err, errlen, "pull reader: bad state");
		return -1;
	}
	if (proto_expect(f, "FREE", PROTO_VALUE, err, errlen) == -1)
		return -1;
	p->free_slots = f->value >> 16;
	p->waiting = f->value & 0xffff;
	*state = 0;
	return PROTO_DONE;
}

int
proto_drop_encode(uint32_t id, struct proto_buf *out)
{
	return id == 0 ? -1 : proto_put_value(out, "DROP", id);
}
