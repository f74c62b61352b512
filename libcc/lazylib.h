/* lazylib.h: shared libraries loaded on first use (libpq, libcurl, ncurses, readline)
 *
 * serve on SQLite never talks PostgreSQL and may go hours without an outbound HTTP call, yet
 * linking libpq and libcurl maps 19 more libraries (Kerberos, LDAP, SASL, nghttp2, ...) into
 * every certctl process: 2 MB of RSS and a third of the start-up time; ncurses and readline,
 * for the TUI and the shell alone, cost serve another 0.5 MB. Instead, shim files
 * (lazy-pq.c, lazy-curl.c, lazy-curses.c, lazy-readline.c) define the functions certctl
 * calls; each resolves the real one through dlopen/dlsym the first time it runs. Callers
 * include the libraries' own headers and call them as usual. */
#ifndef CC_LAZYLIB_H
#define CC_LAZYLIB_H

struct cc_lazylib {
	const char *soname;  /* "libpq.so.5" */
	const char *package; /* Debian package, for the error */
	void *handle;	     /* set once, under a lock; read atomically */
};

#define CC_LAZYLIB_INIT(soname, package)                                                           \
	{                                                                                          \
		(soname), (package), NULL                                                          \
	}

/* the address of NAME in the library, loading it first; a library or symbol that is missing
 * is an installation fault the process cannot go on from: it says which package to install
 * and exits with 127, as the dynamic linker would have at start-up */
void *cc_lazylib_sym(struct cc_lazylib *lib, const char *name);
/* whether the library has been loaded by this process (for tests and `certctl version`) */
int cc_lazylib_loaded(const struct cc_lazylib *lib);

/* a shim: RET NAME PARAMS that calls the library's NAME with ARGS (CC_LAZY_VOID: returns
 * nothing); the resolved address is kept in an atomic pointer, so a race only looks it up twice */
#define CC_LAZY_RESOLVE(lib, ret, name, params)                                                    \
	static ret(*_Atomic fn) params;                                                            \
	ret(*f) params = fn;                                                                       \
	f = f ? f : (fn = (ret(*) params)cc_lazylib_sym(&(lib), #name))
#define CC_LAZY_FN(lib, ret, name, params, args)                                                   \
	ret name params                                                                            \
	{                                                                                          \
		CC_LAZY_RESOLVE(lib, ret, name, params);                                           \
		return f args;                                                                     \
	}
#define CC_LAZY_VOID(lib, name, params, args)                                                      \
	void name params                                                                           \
	{                                                                                          \
		CC_LAZY_RESOLVE(lib, void, name, params);                                          \
		f args;                                                                            \
	}

#endif
