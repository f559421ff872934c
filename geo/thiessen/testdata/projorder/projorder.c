// projorder is an LD_PRELOAD probe for TestPROJFreeOrder: it remembers the
// context each PJ is made in and reports, on stderr, every proj_destroy of
// a PJ whose context has already been destroyed (PROJ then writes into
// freed memory), and every proj_destroy it checked.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <proj.h>

#define N 65536

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	PJ *pj;
	PJ_CONTEXT *ctx;
} made[N];
static PJ_CONTEXT *dead[N];
static long ndead;

static void remember(PJ *pj, PJ_CONTEXT *ctx) {
	if (pj == NULL || ctx == NULL) return;
	pthread_mutex_lock(&mu);
	int free_slot = -1;
	for (int i = 0; i < N; i++) {
		if (made[i].pj == pj) { free_slot = i; break; }
		if (free_slot < 0 && made[i].pj == NULL) free_slot = i;
	}
	if (free_slot >= 0) {
		made[free_slot].pj = pj;
		made[free_slot].ctx = ctx;
	}
	pthread_mutex_unlock(&mu);
}

typedef PJ_CONTEXT *(*ctx_create_fn)(void);
typedef PJ_CONTEXT *(*ctx_destroy_fn)(PJ_CONTEXT *);
typedef PJ *(*create_fn)(PJ_CONTEXT *, const char *);
typedef PJ *(*crs_to_crs_fn)(PJ_CONTEXT *, const char *, const char *, PJ_AREA *);
typedef PJ *(*normalize_fn)(PJ_CONTEXT *, const PJ *);
typedef PJ *(*destroy_fn)(PJ *);

// REAL declares real_NAME, the libproj function this file stands in front of.
#define REAL(name, type) \
	static type real_##name; \
	if (!real_##name) real_##name = (type)dlsym(RTLD_NEXT, #name)

PJ_CONTEXT *proj_context_create(void) {
	REAL(proj_context_create, ctx_create_fn);
	PJ_CONTEXT *ctx = real_proj_context_create();
	pthread_mutex_lock(&mu);
	for (int i = 0; i < N; i++)
		if (dead[i] == ctx) dead[i] = NULL;
	pthread_mutex_unlock(&mu);
	return ctx;
}

PJ_CONTEXT *proj_context_destroy(PJ_CONTEXT *ctx) {
	REAL(proj_context_destroy, ctx_destroy_fn);
	pthread_mutex_lock(&mu);
	dead[ndead++ % N] = ctx;
	pthread_mutex_unlock(&mu);
	return real_proj_context_destroy(ctx);
}

PJ *proj_create(PJ_CONTEXT *ctx, const char *def) {
	REAL(proj_create, create_fn);
	PJ *pj = real_proj_create(ctx, def);
	remember(pj, ctx);
	return pj;
}

PJ *proj_create_crs_to_crs(PJ_CONTEXT *ctx, const char *src, const char *dst, PJ_AREA *area) {
	REAL(proj_create_crs_to_crs, crs_to_crs_fn);
	PJ *pj = real_proj_create_crs_to_crs(ctx, src, dst, area);
	remember(pj, ctx);
	return pj;
}

PJ *proj_normalize_for_visualization(PJ_CONTEXT *ctx, const PJ *obj) {
	REAL(proj_normalize_for_visualization, normalize_fn);
	PJ *pj = real_proj_normalize_for_visualization(ctx, obj);
	remember(pj, ctx);
	return pj;
}

PJ *proj_destroy(PJ *pj) {
	REAL(proj_destroy, destroy_fn);
	PJ_CONTEXT *ctx = NULL;
	int late = 0;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < N && pj != NULL; i++) {
		if (made[i].pj == pj) {
			ctx = made[i].ctx;
			made[i].pj = NULL;
			break;
		}
	}
	for (int i = 0; i < N && ctx != NULL; i++) {
		if (dead[i] == ctx) {
			late = 1;
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	if (ctx != NULL) {
		fprintf(stderr, late ? "projorder: PJ destroyed after its context\n" : "projorder: PJ destroyed in order\n");
	}
	return real_proj_destroy(pj);
}
