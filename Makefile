# The two commands a newcomer needs: `make demo` and `make test`. Each installs what it needs first.
.PHONY: demo demo-down test soundness setup stack-up stack-down bench faults fuzz

demo:
	bash deploy/local/demo.sh

demo-down:
	bash deploy/local/daemons.sh stop
	bash deploy/local/stack.sh stop

test:
	bash deploy/local/test.sh

soundness:
	bash deploy/local/soundness.sh

bench:
	bash deploy/local/bench.sh

fuzz:
	bash deploy/local/fuzz.sh

faults:
	bash deploy/local/faults.sh

setup:
	bash deploy/local/setup.sh

stack-up: setup
	bash deploy/local/stack.sh start

stack-down:
	bash deploy/local/stack.sh stop
