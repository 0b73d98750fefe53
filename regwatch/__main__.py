from regwatch.cli.app import main

main()
