import RunnerCLI

await Entry.main()
