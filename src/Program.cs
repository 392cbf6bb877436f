using ChoriaDashboard.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddChoriaDashboard();

var app = builder.Build();
app.UseChoriaDashboard();
app.Run();
