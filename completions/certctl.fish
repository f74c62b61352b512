# fish completion for certctl: candidates come from `certctl __complete`.
complete -c certctl -f -a '(certctl __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
