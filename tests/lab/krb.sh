# krb.sh - a Kerberos realm in the lab, for the tests and benchmarks of
# kerberos mode (sourced after lab.sh, once lab_up made the hosts; the
# caller defines fail()).
#
#   krb_up KDC_HOST SERVER...   realms LAB.TEST and OTHER.TEST (OTHER.TEST
#                               trusts LAB.TEST: cross-realm tickets work)
#                               on a krb5kdc in host KDC_HOST; principals
#                               ccpool/hI.lab.test with keytab $S/hI.keytab
#                               for each server I, users ccpkalice and
#                               ccpkbob@LAB.TEST, ccpkcarol@OTHER.TEST (all
#                               in $K/users.keytab); a passwd and group of
#                               the test's own where ccpkalice is in ccpdev
#   krb_kadm REALM QUERY        kadmin.local
#   krb_tkt HOST CACHE PRINC [kinit options]
#                               a ticket in $S/cc/CACHE from the keytab
#   krb_server I [conf lines]   ccpoold in kerberos mode on hI, in a mount
#                               namespace where /etc/passwd, /etc/group and
#                               /etc/krb5.conf are the realm's
# Sets S (the lab's state), K (the KDC's directory) and exports
# KRB5_CONFIG and KRB5_KDC_PROFILE for the tools run here.

krb_kadm() {
	kadmin.local -r "$1" -q "$2" >>"$K/kadmin.log" 2>&1 ||
	    fail "kadmin.local -r $1 -q '$2': $(tail -3 "$K/kadmin.log")"
}

krb__conf() {	# krb__conf KDC_ADDR: krb5.conf and kdc.conf
	cat >"$S/krb5.conf" <<EOT
[libdefaults]
	default_realm = LAB.TEST
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
	clockskew = 1
[realms]
	LAB.TEST = {
		kdc = $1
	}
	OTHER.TEST = {
		kdc = $1
	}
[capaths]
	OTHER.TEST = {
		LAB.TEST = .
	}
EOT
	cat >"$K/kdc.conf" <<EOT
[kdcdefaults]
	kdc_ports = 88
	kdc_tcp_ports = 88
[realms]
	LAB.TEST = {
		database_name = $K/lab.db
		key_stash_file = $K/lab.stash
		max_life = 1h
		supported_enctypes = aes256-cts-hmac-sha1-96:normal
	}
	OTHER.TEST = {
		database_name = $K/other.db
		key_stash_file = $K/other.stash
		max_life = 1h
		supported_enctypes = aes256-cts-hmac-sha1-96:normal
	}
[logging]
	kdc = FILE:$K/kdc.log
EOT
}

krb_up() {
	local kh=$1 r p h xpw i
	shift
	S=$(lab_state_dir)
	K=$S/kdc
	mkdir -p "$K" "$S/cc"
	chmod 777 "$S/cc"
	krb__conf "$(lab_addr "$kh")"
	export KRB5_CONFIG=$S/krb5.conf KRB5_KDC_PROFILE=$K/kdc.conf
	for r in LAB.TEST OTHER.TEST; do
		kdb5_util -r $r create -s -P "master-$RANDOM$RANDOM" \
		    >>"$K/kadmin.log" 2>&1 || fail "kdb5_util create $r"
	done
	xpw="cross-$RANDOM$RANDOM$RANDOM"
	krb_kadm LAB.TEST "addprinc -pw $xpw krbtgt/LAB.TEST@OTHER.TEST"
	krb_kadm OTHER.TEST "addprinc -pw $xpw krbtgt/LAB.TEST@OTHER.TEST"
	for p in ccpkalice ccpkbob; do
		krb_kadm LAB.TEST "addprinc -randkey $p"
	done
	for h in "$@"; do
		krb_kadm LAB.TEST "addprinc -randkey ccpool/h$h.lab.test"
		krb_kadm LAB.TEST "ktadd -k $S/h$h.keytab ccpool/h$h.lab.test"
		chmod 600 "$S/h$h.keytab"
	done
	krb_kadm OTHER.TEST "addprinc -randkey ccpkcarol"
	krb_kadm LAB.TEST "ktadd -k $K/users.keytab ccpkalice ccpkbob"
	krb_kadm OTHER.TEST "ktadd -k $K/users.keytab ccpkcarol"
	chmod 644 "$K/users.keytab"
	lab_spawn "$kh" kdc krb5kdc -n -r LAB.TEST -r OTHER.TEST >/dev/null
	cp /etc/passwd "$S/passwd"
	cp /etc/group "$S/group"
	printf '%s:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' \
	    ccpkalice 64101 64101 ccpkbob 64102 64102 >>"$S/passwd"
	printf 'ccpkalice:x:64101:\nccpkbob:x:64102:\nccpdev:x:64110:ccpkalice\n' \
	    >>"$S/group"
	for i in $(seq 50); do
		grep -q 'commencing operation' "$K/kdc.log" 2>/dev/null &&
		    return 0
		sleep 0.1
	done
	fail "the KDC did not start: $(tail -3 "$K/kdc.log")"
}

krb_tkt() {
	local h=$1 cc=$2 p=$3
	shift 3
	lab_exec "$h" env KRB5_CONFIG="$KRB5_CONFIG" \
	    KRB5CCNAME="FILE:$S/cc/$cc" kinit "$@" -k -t "$K/users.keytab" \
	    "$p" >>"$S/kinit.log" 2>&1 ||
	    fail "kinit $p: $(tail -2 "$S/kinit.log")"
}

krb_server() {
	local i=$1 B=${CCPOOL_BUILD:?}
	shift
	{
		printf 'workdir = %s/work\nuser = nobody\n' "$S"
		printf 'load_tolerance = 102400\nmemory_pressure = 100\nauth = gssapi\n'
		printf 'keytab = %s/h%s.keytab\n' "$S" "$i"
		printf 'gss_principal = ccpool/h%s.lab.test@LAB.TEST\n' "$i"
		printf 'identity = %s/h%s.key\n' "$S" "$i"
		printf '%s\n' "$@"
	} >"$S/h$i.conf"
	lab_spawn "$i" ccpoold env -u KRB5_CONFIG -u KRB5_KDC_PROFILE \
	    unshare -m --propagation private sh -c "
	    mount --bind '$S/passwd' /etc/passwd &&
	    mount --bind '$S/group' /etc/group &&
	    mount --bind '$S/krb5.conf' /etc/krb5.conf &&
	    exec '$B/ccpoold' -d -f '$S/h$i.conf'" >/dev/null
}
