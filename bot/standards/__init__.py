"""The service standards managers edit in ``/manager/`` (issue 14): which sections there are
(:mod:`.sections`), their stored versions (:mod:`.versions`), how a draft is checked
(:mod:`.validation`) and the standards in force in this process (:mod:`.live`)."""
