/* lazylib.c: dlopen on first use, for the libraries most runs never need */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include "libcc/lazylib.h"
#include "libcc/banned.h"

static _Noreturn void missing(const struct cc_lazylib *lib, const char *what)
{
	fprintf(stderr, "certctl: %s: %s (install the Debian package %s)\n", lib->soname, what,
		lib->package);
	_exit(127);
}

/* one lock for every library: taken only until each handle is set */
static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;

static void *load(struct cc_lazylib *lib)
{
	void *h = __atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE);

	if (h)
		return h;
	pthread_mutex_lock(&load_mu);
	h = lib->handle;
	if (!h) {
		h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			const char *e = dlerror();

			pthread_mutex_unlock(&load_mu);
			missing(lib, e ? e : "cannot load");
		}
		__atomic_store_n(&lib->handle, h, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&load_mu);
	return h;
}

void *cc_lazylib_sym(struct cc_lazylib *lib, const char *name)
{
	void *p = dlsym(load(lib), name);

	if (!p)
		missing(lib, name);
	return p;
}

int cc_lazylib_loaded(const struct cc_lazylib *lib)
{
	return __atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE) != NULL;
}
