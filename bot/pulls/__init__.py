"""Changes as pull requests: what each change's pull request holds, queued through the outbox, opened on the git
host by a worker of its own, and followed back by the host's webhook."""
