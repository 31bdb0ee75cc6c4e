"""Call back into the event loop from worker threads and other foreign threads."""
