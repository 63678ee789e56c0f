# cli.mk — bad command lines and bad images must give one clear message and exit status 1
# (tests/cli/run-cli-tests.sh), included by the Makefile and run by `make check`.
.PHONY: check-cli
check-cli: build/tandem
	tests/cli/run-cli-tests.sh build/tandem

CHECK_TARGETS += check-cli
