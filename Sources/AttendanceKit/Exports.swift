// The store's users see the model and the messages it stores as one library.
@_exported import AttModel
