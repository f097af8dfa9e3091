/*
 * test_proto_offer.c - the late-binding messages (common/proto_offer.c):
 * round trips, and every malformed offer and pull refused with a reason.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/proto_offer.c"
#include "tests/unit/suites.h"

static struct proto_dialect D;

/* Feed the frames of b to an offer reader: its last answer. */
static int
feed_offer(const struct proto_buf *b, struct proto_offer_reader *r,
    char *err, size_t errlen)
{
	struct proto_frame f;
	size_t	 off = 0;
	ssize_t	 n;
	int	 rc = PROTO_MORE;

	proto_offer_reader_init(r);
	while (off < b->len && (n = proto_frame_parse(&D, b->data + off,
	    b->len - off, &f, err, errlen)) > 0) {
		off += (size_t)n;
		if ((rc = proto_offer_feed(r, &f, err, errlen)) != PROTO_MORE)
			break;
	}
	return rc;
}

static void
test_offer_roundtrip(void)
{
	struct proto_offer o = { 42, "gcc-12.2.0-x86_64", PROTO_LANG_CXX,
	    123456 };
	struct proto_offer_reader r;
	struct proto_buf b;
	char	 err[128];

	proto_buf_init(&b);
	CU_ASSERT_FATAL(proto_offer_encode(&o, &b, err, sizeof(err)) == 0);
	CU_ASSERT(feed_offer(&b, &r, err, sizeof(err)) == PROTO_DONE);
	CU_ASSERT(r.o.id == 42 && r.o.lang == PROTO_LANG_CXX &&
	    r.o.size == 123456 && strcmp(r.o.tcid, o.tcid) == 0);
	/* done: one more frame is an error */
	CU_ASSERT(proto_offer_feed(&r, &(struct proto_frame){ "OFFR",
	    PROTO_VALUE, 1, NULL, 0, 12 }, err, sizeof(err)) == -1);
	/* no encoding of a bad offer, out untouched */
	o.id = 0;
	b.len = 0;
	CU_ASSERT(proto_offer_encode(&o, &b, err, sizeof(err)) == -1);
	CU_ASSERT(b.len == 0 && strstr(err, "id 0") != NULL);
	o.id = 1;
	strcpy(o.tcid, "gcc;rm");
	CU_ASSERT(proto_offer_encode(&o, &b, err, sizeof(err)) == -1);
	proto_buf_free(&b);
}

static void
test_offer_malformed(void)
{
	static const struct {
		const char *wire, *why;
	} bad[] = {
		{ "OFFR00000000", "id 0" },
		{ "TCID00000003gcc", "OFFR" },
		{ "OFFR00000001LANG00000001c", "TCID" },
		{ "OFFR00000001TCID00000003g/cLANG00000001c", "TCID" },
		{ "OFFR00000001TCID00000003gccLANG00000003cobSIZE00000001",
		    "LANG" },
		{ "OFFR00000001TCID00000003gccLANG00000001cJEND00000000",
		    "SIZE" },
		{ "OFFR00000001TCID00000003gccLANG00000001cSIZE00000001"
		    "OFFR00000001", NULL },
	};
	struct proto_offer_reader r;
	struct proto_buf b;
	char	 err[128];
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		proto_buf_init(&b);
		CU_ASSERT_FATAL(proto_buf_append(&b, bad[i].wire,
		    strlen(bad[i].wire)) == 0);
		err[0] = '\0';
		rc = feed_offer(&b, &r, err, sizeof(err));
		if (bad[i].why == NULL) {
			CU_ASSERT(rc == PROTO_DONE);	/* the rest unread */
		} else {
			CU_ASSERT(rc == -1);
			CU_ASSERT(strstr(err, bad[i].why) != NULL);
			/* failed once, failed for good */
			CU_ASSERT(r.state == -1);
		}
		proto_buf_free(&b);
	}
}

static void
test_pull_drop(void)
{
	struct proto_pull p = { 7, 70000, 3 }, q;
	struct proto_frame f;
	struct proto_buf b;
	char	 err[128];
	size_t	 off = 0;
	ssize_t	 n;
	int	 st = 0, rc = PROTO_MORE;

	proto_buf_init(&b);
	CU_ASSERT_FATAL(proto_pull_encode(&p, &b) == 0);
	CU_ASSERT_FATAL(proto_drop_encode(7, &b) == 0);
	while (rc == PROTO_MORE && (n = proto_frame_parse(&D, b.data + off,
	    b.len - off, &f, err, sizeof(err))) > 0) {
		off += (size_t)n;
		rc = proto_pull_feed(&q, &st, &f, err, sizeof(err));
	}
	CU_ASSERT(rc == PROTO_DONE && st == 0);
	/* free slots capped at 0xffff */
	CU_ASSERT(q.id == 7 && q.free_slots == 0xffff && q.waiting == 3);
	/* DROP is no pull */
	CU_ASSERT_FATAL(proto_frame_parse(&D, b.data + off, b.len - off, &f,
	    err, sizeof(err)) == 12);
	CU_ASSERT(strcmp(f.tok, "DROP") == 0 && f.value == 7);
	CU_ASSERT(proto_pull_feed(&q, &st, &f, err, sizeof(err)) == -1);
	/* PULL 0, PULL then no FREE */
	f = (struct proto_frame){ "PULL", PROTO_VALUE, 0, NULL, 0, 12 };
	CU_ASSERT(proto_pull_feed(&q, &st, &f, err, sizeof(err)) == -1);
	f.value = 9;
	CU_ASSERT(proto_pull_feed(&q, &st, &f, err, sizeof(err)) ==
	    PROTO_MORE);
	CU_ASSERT(proto_pull_feed(&q, &st, &f, err, sizeof(err)) == -1);
	CU_ASSERT(proto_drop_encode(0, &b) == -1);
	p.id = 0;
	CU_ASSERT(proto_pull_encode(&p, &b) == -1);
	proto_buf_free(&b);
}

int
init_proto_offer_tests(void)
{
	CU_pSuite s = CU_add_suite("proto_offer", NULL, NULL);

	if (proto_dialect_init(&D, PROTO_DIALECT_CCPOOL1, NULL, NULL, 0) == -1)
		return -1;
	if (s == NULL ||
	    !CU_add_test(s, "offer round trip", test_offer_roundtrip) ||
	    !CU_add_test(s, "offer malformed", test_offer_malformed) ||
	    !CU_add_test(s, "pull and drop", test_pull_drop))
		return -1;
	return 0;
}
