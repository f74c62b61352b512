/* serve-detach.c: running serve in the background with a pid file, and stopping it */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cmd/serve-detach.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/banned.h"

char *cc_serve_pid_path(const struct cc_cfg *cfg)
{
	char *dir = cc_cfg_data_dir(cfg), *p = cc_xasprintf("%s/certctl.pid", dir);

	free(dir);
	return p;
}

char *cc_serve_log_path(const struct cc_cfg *cfg)
{
	char *dir, *p;

	if (*cc_cfg_str(cfg, CC_CFG_log_file))
		return cc_xstrdup(cc_cfg_str(cfg, CC_CFG_log_file));
	dir = cc_cfg_data_dir(cfg);
	p = cc_xasprintf("%s/certctl.log", dir);
	free(dir);
	return p;
}

static pid_t read_pid(const char *path)
{
	struct cc_buf b = CC_BUF_INIT;
	long pid = 0;

	if (cc_fs_read(path, &b, 64, NULL) == 0)
		pid = strtol(b.buf, NULL, 10);
	cc_buf_release(&b);
	return pid > 1 ? (pid_t)pid : 0;
}

pid_t cc_serve_running(const struct cc_cfg *cfg)
{
	char *path = cc_serve_pid_path(cfg);
	pid_t pid = read_pid(path);

	free(path);
	if (pid && kill(pid, 0) < 0 && errno == ESRCH)
		pid = 0;
	return pid;
}

void cc_serve_pid_remove(const struct cc_cfg *cfg)
{
	char *path = cc_serve_pid_path(cfg);

	if (read_pid(path) == getpid())
		unlink(path);
	free(path);
}

static int write_pid(const struct cc_cfg *cfg, struct cc_err *err)
{
	char *path = cc_serve_pid_path(cfg), num[32];
	int rc;

	snprintf(num, sizeof(num), "%d\n", (int)getpid());
	rc = cc_fs_write_atomic(path, num, strlen(num), 0644, err);
	free(path);
	return rc;
}

/* the parent: print what the daemon reports, exit with its verdict */
static void relay(int fd, pid_t child)
{
	char buf[4096];
	struct cc_buf all = CC_BUF_INIT;
	ssize_t n;
	int st;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		cc_buf_add(&all, buf, (size_t)n);
	close(fd);
	waitpid(child, &st, 0); /* the intermediate child exits at once */
	if (all.len > 2 && !strncmp(all.buf + all.len - 3, "OK\n", 3)) {
		fwrite(all.buf, 1, all.len - 3, stdout);
		exit(0);
	}
	fwrite(all.buf, 1, all.len, stderr);
	if (!all.len)
		fprintf(stderr, "certctl serve: the background server exited during startup\n");
	exit(1);
}

int cc_serve_detach(struct cc_ctx *ctx, FILE **report)
{
	struct cc_err err = CC_ERR_INIT;
	char *dir = cc_cfg_data_dir(&ctx->cfg), *log = cc_serve_log_path(&ctx->cfg);
	pid_t running = cc_serve_running(&ctx->cfg), child;
	int fds[2], fd;

	if (running) {
		fprintf(stderr,
			"certctl serve: already running in the background (pid %d); "
			"'certctl serve --stop' stops it\n",
			(int)running);
		goto fail;
	}
	if (cc_fs_mkdirs(dir, 0700, &err) < 0 || pipe(fds) < 0) {
		fprintf(stderr, "certctl serve: %s\n", err.msg[0] ? err.msg : strerror(errno));
		goto fail;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "certctl serve: fork: %s\n", strerror(errno));
		goto fail;
	}
	if (child > 0) {
		close(fds[1]);
		relay(fds[0], child);
	}
	/* the intermediate child: new session, then fork again so the daemon has no tty */
	close(fds[0]);
	setsid();
	if (fork() != 0)
		_exit(0);
	fd = open("/dev/null", O_RDONLY);
	dup2(fd, 0);
	close(fd);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	if (chdir("/") < 0 || write_pid(&ctx->cfg, &err) < 0) {
		dprintf(fds[1], "certctl serve: cannot write the pid file: %s\n", err.msg);
		_exit(1);
	}
	*report = fdopen(fds[1], "w");
	free(dir);
	free(log);
	return 0;
fail:
	free(dir);
	free(log);
	return -1;
}

void cc_serve_detach_done(FILE *report, int ok, const char *msg)
{
	if (!report)
		return;
	fprintf(report, "%s%s", msg ? msg : "", ok == 0 ? "OK\n" : "");
	fclose(report);
}

int cc_serve_stop(struct cc_ctx *ctx)
{
	pid_t pid = cc_serve_running(&ctx->cfg);
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	if (!pid) {
		fprintf(stderr, "certctl serve: no background server is running\n");
		return 3;
	}
	if (kill(pid, SIGTERM) < 0) {
		fprintf(stderr, "certctl serve: cannot signal pid %d: %s\n", (int)pid,
			strerror(errno));
		return 1;
	}
	for (int i = 0; i < 600; i++) {
		if (kill(pid, 0) < 0 && errno == ESRCH) {
			char *path = cc_serve_pid_path(&ctx->cfg);
			unlink(path);
			free(path);
			printf("certctl serve: stopped (pid %d)\n", (int)pid);
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "certctl serve: pid %d did not stop within 30 s\n", (int)pid);
	return 1;
}
